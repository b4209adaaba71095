using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML;

/// <summary>Turns one row's raw model outputs into the columns a scoring transformer adds.</summary>
internal interface IOutputHead
{
    /// <summary>The added columns, in order.</summary>
    IReadOnlyList<(string Name, DataViewType Type, DataViewSchema.Annotations Annotations)> Columns();

    /// <summary>The value getter of added column <paramref name="outputIndex"/> over the current row's raw outputs.</summary>
    Delegate Getter(int outputIndex, RawRowSource raw);
}

