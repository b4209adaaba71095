// The network tests fit DeepML trainers, which seed TorchSharp's process-wide generator; the process tests start
// workers of their own. Test classes run one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
