using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace DeepML.Cli.Tests.Report;

/// <summary>
/// Opens a local file in Debian's headless Chromium and talks to it over the DevTools protocol
/// (a WebSocket, BCL only): collects console errors, uncaught exceptions and failed loads, evaluates
/// a script in the page, and captures a full-page screenshot.
/// </summary>
internal sealed partial class HeadlessChromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly List<string> _errors = [];
    private int _id;

    private HeadlessChromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>The browser binary, or null when it is not installed (.ci/run installs it).</summary>
    public static string? Binary => new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists);

    /// <summary>Errors seen so far: console.error calls, uncaught exceptions, failed resource loads.</summary>
    public IReadOnlyList<string> Errors => _errors;

    public static async Task<HeadlessChromium> OpenAsync(string file, int width, CancellationToken cancel)
    {
        var profile = Directory.CreateTempSubdirectory("deepml-chromium-").FullName;
        var start = new ProcessStartInfo(Binary ?? throw new InvalidOperationException("Chromium is not installed."),
            ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--remote-debugging-port=0", $"--user-data-dir={profile}",
             $"--window-size={width},1000", "about:blank"])
        { RedirectStandardError = true, RedirectStandardOutput = true };
        var process = Process.Start(start)!;
        var browser = new HeadlessChromium(process, profile);
        try
        {
            var port = await browser.ReadPortAsync(cancel);
            using var http = new HttpClient();
            var targets = JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list", cancel))!.AsArray();
            var page = targets.First(t => (string?)t!["type"] == "page")!;
            await browser._socket.ConnectAsync(new Uri((string)page["webSocketDebuggerUrl"]!), cancel);
            await browser.SendAsync("Runtime.enable", null, cancel);
            await browser.SendAsync("Log.enable", null, cancel);
            await browser.SendAsync("Page.enable", null, cancel);
            await browser.SendAsync("Page.navigate", new JsonObject { ["url"] = new Uri(file).AbsoluteUri }, cancel);
            await browser.WaitForEventAsync("Page.loadEventFired", cancel);
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    /// <summary>Evaluates <paramref name="expression"/> in the page and returns its JSON value.</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression, CancellationToken cancel)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true }, cancel);
        return result["result"]?["value"];
    }

    /// <summary>A PNG of the whole page.</summary>
    public async Task<byte[]> ScreenshotAsync(CancellationToken cancel)
    {
        var result = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png", ["captureBeyondViewport"] = true }, cancel);
        return Convert.FromBase64String((string)result["data"]!);
    }

    private async Task<int> ReadPortAsync(CancellationToken cancel)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (await _process.StandardError.ReadLineAsync(timeout.Token) is { } line)
        {
            var match = DevToolsLine().Match(line);
            if (match.Success)
                return int.Parse(match.Groups[1].Value);
        }
        throw new InvalidOperationException($"Chromium exited ({_process.ExitCode}) without a DevTools address.");
    }

    private async Task<JsonObject> SendAsync(string method, JsonObject? parameters, CancellationToken cancel)
    {
        var id = ++_id;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, cancel);
        while (true)
        {
            var reply = await ReceiveAsync(cancel);
            if ((int?)reply["id"] == id)
                return reply["error"] is { } error ? throw new InvalidOperationException($"{method}: {error.ToJsonString()}") : reply["result"]!.AsObject();
        }
    }

    private async Task WaitForEventAsync(string method, CancellationToken cancel)
    {
        while ((string?)(await ReceiveAsync(cancel))["method"] != method)
        {
        }
    }

    /// <summary>The next message; events that report errors are recorded on the way.</summary>
    private async Task<JsonObject> ReceiveAsync(CancellationToken cancel)
    {
        var buffer = new byte[1 << 16];
        using var text = new MemoryStream();
        WebSocketReceiveResult received;
        do
        {
            received = await _socket.ReceiveAsync(buffer, cancel);
            text.Write(buffer, 0, received.Count);
        } while (!received.EndOfMessage);
        var message = JsonNode.Parse(text.ToArray())!.AsObject();
        switch ((string?)message["method"])
        {
            case "Runtime.exceptionThrown":
                _errors.Add("exception: " + message["params"]!["exceptionDetails"]!.ToJsonString());
                break;
            case "Runtime.consoleAPICalled" when (string?)message["params"]!["type"] == "error":
                _errors.Add("console.error: " + message["params"]!["args"]!.ToJsonString());
                break;
            case "Log.entryAdded" when (string?)message["params"]!["entry"]!["level"] == "error":
                _errors.Add("log: " + message["params"]!["entry"]!["text"]);
                break;
        }
        return message;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        }
        catch (WebSocketException)
        {
        }
        _socket.Dispose();
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [GeneratedRegex(@"DevTools listening on ws://[^:]+:(\d+)/")]
    private static partial Regex DevToolsLine();
}
