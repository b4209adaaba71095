using Xunit;

// Contract checks count TorchSharp's live tensors, a process-wide counter, and libtorch's thread
// setting is process-wide too: test classes run one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
