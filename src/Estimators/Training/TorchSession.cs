using static TorchSharp.torch;

namespace DeepML;

/// <summary>Prepares TorchSharp for a training run: native library, threads, device.</summary>
internal static class TorchSession
{
    private static readonly object Gate = new();

    /// <summary>Loads the native runtime, applies the thread setting, and resolves the device string.</summary>
    public static Device Start(string device, bool fallbackToCpu, int? threads, Action<string> log)
    {
        lock (Gate)
        {
            if (threads is { } t && get_num_threads() != t)
                set_num_threads(t);
        }
        DeviceName.TryParse(device, out var cudaIndex);
        if (cudaIndex < 0)
            return CPU;
        if (cuda.is_available())
            return new Device(TorchSharp.DeviceType.CUDA, cudaIndex);
        if (!fallbackToCpu)
            throw new InvalidOperationException($"DeepML: Device \"{device}\" was asked for, but no CUDA libtorch is loaded. Set DEEPML_LIBTORCH_DIR to a CUDA libtorch folder (for example a PyTorch installation's torch/lib), or set FallbackToCpu = true to train on the CPU.");
        log($"Device \"{device}\" is not available (no CUDA libtorch loaded); training on the CPU because FallbackToCpu is set.");
        return CPU;
    }
}
