using System.ComponentModel.DataAnnotations;

namespace WorldWeb.Server.ModelPackages;

/// <summary>Which model packages the server loads. Bound from the <c>Models</c> section.</summary>
public sealed class ModelCatalogOptions
{
    public const string SectionName = "Models";

    public const string DefaultPackage = "models/default";

    /// <summary>
    /// Package folders (docs/model-format.md), relative to the working directory or absolute; models/default when
    /// none is configured (set after binding: the binder appends to a list's initial items).
    /// </summary>
    [MinLength(1, ErrorMessage = "Models:Packages must name at least one model package folder")]
    public List<string> Packages { get; set; } = [];

    /// <summary>
    /// The folder under which admins may load packages at runtime (POST /api/admin/models); the folder holding the
    /// first package when empty. Packages outside it can only be configured, never loaded through the API.
    /// </summary>
    public string? Root { get; set; }

    /// <summary>The model new worlds get when they name none; the first package when empty.</summary>
    public string? Default { get; set; }
}
