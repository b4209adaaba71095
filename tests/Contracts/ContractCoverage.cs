using System.Reflection;
using Microsoft.ML;

namespace DeepML.Testing;

/// <summary>Finds public estimators and transformers that no contract test class covers.</summary>
public static class ContractCoverage
{
    /// <summary>
    /// The public, concrete <see cref="IEstimator{TTransformer}"/> and <see cref="ITransformer"/> types of
    /// <paramref name="components"/> that are neither the estimator nor the transformer of a concrete
    /// <see cref="EstimatorContract{TEstimator, TTransformer, TInput, TOutput}"/> class in <paramref name="tests"/>,
    /// minus <paramref name="exemptions"/> (type → written reason).
    /// </summary>
    public static IReadOnlyList<Type> Uncovered(IEnumerable<Assembly> components, Assembly tests, IReadOnlyDictionary<Type, string> exemptions)
    {
        var covered = new HashSet<Type>();
        foreach (var type in tests.GetTypes().Where(t => t is { IsAbstract: false, IsClass: true }))
        {
            for (var b = type.BaseType; b is not null; b = b.BaseType)
            {
                if (b.IsGenericType && b.GetGenericTypeDefinition() == typeof(EstimatorContract<,,,>))
                {
                    covered.Add(b.GetGenericArguments()[0]);
                    covered.Add(b.GetGenericArguments()[1]);
                }
            }
        }
        foreach (var (type, reason) in exemptions)
        {
            if (string.IsNullOrWhiteSpace(reason))
                throw new ArgumentException($"ContractCoverage: the exemption of {type.FullName} needs a written reason.", nameof(exemptions));
        }
        return components.SelectMany(a => a.GetExportedTypes())
            .Where(t => t is { IsClass: true, IsAbstract: false } && IsComponent(t))
            .Where(t => !covered.Contains(t) && !exemptions.ContainsKey(t))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>Whether <paramref name="type"/> is an estimator or a transformer.</summary>
    public static bool IsComponent(Type type) =>
        typeof(ITransformer).IsAssignableFrom(type) ||
        type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEstimator<>));
}
