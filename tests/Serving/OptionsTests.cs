namespace DeepML.Serving.Tests;

public sealed class OptionsTests
{
    public static TheoryData<string, Func<ServingOptions>, string> Invalid => new()
    {
        { "ModelPath", () => new ServingOptions { ModelPath = " " }, "ServingOptions: ModelPath is empty. Set it to the model zip written by ml.Model.Save." },
        { "Device", () => new ServingOptions { Device = "gpu" }, "ServingOptions: Device 'gpu' is not recognised. Expected \"cpu\", \"cuda\" or \"cuda:N\" with N a GPU index ≥ 0 (for example \"cuda:0\")." },
        { "BatchWindow", () => new ServingOptions { BatchWindow = TimeSpan.FromSeconds(2) }, "ServingOptions: BatchWindow must be between 0 (no batching) and 1 s, got 2000 ms. 1 to 5 ms is typical." },
        { "MaxBatchRows", () => new ServingOptions { MaxBatchRows = 0 }, "ServingOptions: MaxBatchRows must be between 1 and 65536, got 0." },
        { "MaxRowsPerRequest", () => new ServingOptions { MaxRowsPerRequest = 70_000 }, "ServingOptions: MaxRowsPerRequest must be between 1 and 65536, got 70000." },
        { "QueueCapacity", () => new ServingOptions { QueueCapacity = 0 }, "ServingOptions: QueueCapacity must be ≥ 1, got 0." },
        { "MaxConcurrentBatches", () => new ServingOptions { MaxConcurrentBatches = 65 }, "ServingOptions: MaxConcurrentBatches must be between 1 and 64, got 65." },
        { "MaxRequestBodyBytes", () => new ServingOptions { MaxRequestBodyBytes = 1 }, "ServingOptions: MaxRequestBodyBytes must be ≥ 2 bytes, got 1." },
        { "RequestTimeout", () => new ServingOptions { RequestTimeout = TimeSpan.Zero }, "ServingOptions: RequestTimeout must be positive, got 0 ms." },
        { "ReloadDebounce", () => new ServingOptions { ReloadDebounce = TimeSpan.FromMilliseconds(-1) }, "ServingOptions: ReloadDebounce must be ≥ 0, got -1 ms." },
        { "PollInterval", () => new ServingOptions { PollInterval = TimeSpan.FromMilliseconds(5) }, "ServingOptions: PollInterval must be at least 10 ms, got 5 ms." },
        { "OutputColumns", () => new ServingOptions { OutputColumns = [] }, "ServingOptions: OutputColumns must be null (Score, Probability, PredictedLabel) or a non-empty list of column names without blanks." },
        { "IntraOpThreads", () => new ServingOptions { IntraOpThreads = -1 }, "ServingOptions: IntraOpThreads must be ≥ 0 (0 lets ONNX Runtime choose), got -1." },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Each_invalid_option_throws_naming_itself(string name, Func<ServingOptions> build, string message)
    {
        var e = Assert.Throws<ArgumentException>(build);
        Assert.Equal(name, e.ParamName);
        Assert.Equal($"{message} (Parameter '{name}')", e.Message);
    }

    [Fact]
    public void Defaults_batch_for_two_milliseconds_on_the_cpu()
    {
        var options = new ServingOptions();
        Assert.Equal((TimeSpan.FromMilliseconds(2), "cpu", 512, 1024, 1L << 20), (options.BatchWindow, options.Device, options.MaxBatchRows, options.MaxRowsPerRequest, options.MaxRequestBodyBytes));
        Assert.Null(options.OutputColumns);
    }
}
