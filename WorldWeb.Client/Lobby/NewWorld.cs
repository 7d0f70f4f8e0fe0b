using System.ComponentModel.DataAnnotations;

namespace WorldWeb.Client.Lobby;

/// <summary>The create-world form's fields; a blank seed lets the server pick one.</summary>
public sealed class NewWorld
{
    [Required(ErrorMessage = "Give the world a title.")]
    [StringLength(100, ErrorMessage = "Keep the title to 100 characters.")]
    public string Title { get; set; } = "";

    [Required(ErrorMessage = "Pick a model.")]
    public string Model { get; set; } = "";

    [Range(0, long.MaxValue, ErrorMessage = "The seed is a whole number, 0 or more (or leave it blank).")]
    public long? Seed { get; set; }

    public bool IsPublic { get; set; }

    /// <summary>Anyone may play it, not only watch; sent only for a public world.</summary>
    public bool PublicPlay { get; set; }
}
