using System.Globalization;
using TorchSharp;

namespace DeepML;

public static partial class TorchRuntime
{
    internal const string DeviceOption = "Device";
    internal const string ValidDeviceForms = "\"cpu\", \"cuda\" or \"cuda:N\" (N = 0, 1, ...)";

    /// <summary>
    /// Validates a device option and resolves it against the loaded runtime (calls <see cref="EnsureLoaded"/>).
    /// </summary>
    /// <param name="device"><c>"cpu"</c>, <c>"cuda"</c> (device 0) or <c>"cuda:N"</c>; case-insensitive.</param>
    /// <param name="fallbackToCpu">When CUDA is requested but unavailable: true logs the reason and uses the CPU, false throws.</param>
    /// <param name="log">Receives the fallback message and the loader's log lines; may be null.</param>
    /// <returns>The device that will be used, in canonical form: <c>"cpu"</c> or <c>"cuda:N"</c>.</returns>
    /// <exception cref="ArgumentException"><paramref name="device"/> is not one of the valid forms.</exception>
    /// <exception cref="InvalidOperationException">CUDA was requested, is unavailable and <paramref name="fallbackToCpu"/> is false.</exception>
    public static string ResolveDevice(string device, bool fallbackToCpu = false, Action<string>? log = null)
    {
        ParseDevice(device);
        var info = EnsureLoaded(log);
        return ResolveDeviceCore(device, fallbackToCpu, info.CudaAvailable, info.CudaDeviceCount, log);
    }

    /// <summary>As <see cref="ResolveDevice"/>, returning the TorchSharp device.</summary>
    internal static torch.Device ResolveTorchDevice(string device, bool fallbackToCpu = false, Action<string>? log = null) =>
        torch.device(ResolveDevice(device, fallbackToCpu, log));

    /// <summary>Parses a device string: null index means CPU.</summary>
    /// <exception cref="ArgumentException">The string is not a valid device.</exception>
    internal static (bool IsCuda, int Index) ParseDevice(string device)
    {
        var text = device?.Trim().ToLowerInvariant();
        if (text == "cpu") return (false, 0);
        if (text == "cuda") return (true, 0);
        if (text is not null && text.StartsWith("cuda:", StringComparison.Ordinal)
            && int.TryParse(text.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            return (true, index);
        throw new ArgumentException(
            $"TorchRuntime: option '{DeviceOption}' is '{device ?? "null"}', which is not a device. Expected {ValidDeviceForms}. " +
            "Fix: pass one of those forms.", nameof(device));
    }

    /// <summary>The resolution logic, given what the runtime reports (testable without CUDA).</summary>
    internal static string ResolveDeviceCore(string device, bool fallbackToCpu, bool cudaAvailable, int cudaDeviceCount, Action<string>? log)
    {
        var (isCuda, index) = ParseDevice(device);
        if (!isCuda) return "cpu";
        string? problem = !cudaAvailable
            ? $"option '{DeviceOption}' asks for '{device}', but the loaded libtorch has no usable CUDA device (it is a CPU " +
              $"build, or no GPU/driver is present)"
            : index >= cudaDeviceCount
                ? $"option '{DeviceOption}' asks for '{device}', but only {cudaDeviceCount} CUDA device(s) exist (cuda:0 to cuda:{cudaDeviceCount - 1})"
                : null;
        if (problem is null) return $"cuda:{index}";
        if (fallbackToCpu)
        {
            log?.Invoke($"TorchRuntime: {problem}; falling back to the CPU because fallback to CPU is enabled.");
            return "cpu";
        }
        throw new InvalidOperationException(
            $"TorchRuntime: {problem}. Expected a CUDA-enabled libtorch. Fix: set {NativeLibraryLocator.LibTorchDirVariable} " +
            "to a CUDA libtorch folder (for example a PyTorch install's torch/lib) on a machine with an NVIDIA GPU, " +
            $"choose a valid device index, use \"cpu\", or enable fallback to CPU.");
    }
}
