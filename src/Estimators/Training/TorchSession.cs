using static TorchSharp.torch;

namespace DeepML;

/// <summary>Prepares TorchSharp for a training run: native library (see <see cref="TorchRuntime"/>), threads, device.</summary>
internal static class TorchSession
{
    private static readonly object Gate = new();

    /// <summary>Loads the native runtime, resolves the device string, and applies the thread setting.</summary>
    public static Device Start(string device, bool fallbackToCpu, int? threads, Action<string> log)
    {
        var resolved = TorchRuntime.ResolveTorchDevice(device, fallbackToCpu, log);
        lock (Gate)
        {
            if (threads is { } t && get_num_threads() != t)
                set_num_threads(t);
        }
        return resolved;
    }
}
