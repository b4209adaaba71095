using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace DeepML.Testing;

/// <summary>A fact that may skip itself at run time by throwing <see cref="ContractSkipException"/>.</summary>
[XunitTestCaseDiscoverer("DeepML.Testing.ContractFactDiscoverer", "DeepML.Testing")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class ContractFactAttribute : FactAttribute
{
}

/// <summary>Discovers <see cref="ContractFactAttribute"/> tests as <see cref="ContractTestCase"/>s.</summary>
public sealed class ContractFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    /// <inheritdoc />
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
        [new ContractTestCase(diagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod)];
}

/// <summary>A test case that turns a failure by <see cref="ContractSkipException"/> into a skip with its reason.</summary>
public sealed class ContractTestCase : XunitTestCase
{
    /// <summary>For deserialization only.</summary>
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public ContractTestCase()
    {
    }

    /// <summary>Creates the test case.</summary>
    public ContractTestCase(IMessageSink diagnosticMessageSink, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod testMethod)
        : base(diagnosticMessageSink, display, options, testMethod)
    {
    }

    /// <inheritdoc />
    public override async Task<RunSummary> RunAsync(IMessageSink diagnosticMessageSink, IMessageBus messageBus, object[] constructorArguments,
        ExceptionAggregator aggregator, CancellationTokenSource cancellationTokenSource)
    {
        using var bus = new SkippingMessageBus(messageBus);
        var summary = await base.RunAsync(diagnosticMessageSink, bus, constructorArguments, aggregator, cancellationTokenSource);
        summary.Failed -= bus.Skipped;
        summary.Skipped += bus.Skipped;
        return summary;
    }

    private sealed class SkippingMessageBus(IMessageBus inner) : IMessageBus
    {
        public int Skipped { get; private set; }

        public bool QueueMessage(IMessageSinkMessage message)
        {
            if (message is ITestFailed failed && failed.ExceptionTypes.FirstOrDefault() == typeof(ContractSkipException).FullName)
            {
                Skipped++;
                var reason = failed.Messages.FirstOrDefault() ?? "";
                var marker = reason.IndexOf(ContractSkip.Token, StringComparison.Ordinal);
                if (marker >= 0)
                    reason = reason[(marker + ContractSkip.Token.Length)..];
                return inner.QueueMessage(new TestSkipped(failed.Test, reason));
            }
            return inner.QueueMessage(message);
        }

        public void Dispose()
        {
        }
    }
}
