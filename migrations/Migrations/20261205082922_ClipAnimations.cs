using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace WorldWeb.Migrations
{
    /// <inheritdoc />
    public partial class ClipAnimations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "has_animation",
                table: "clips",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<byte[]>(
                name: "animation",
                table: "clip_files",
                type: "bytea",
                nullable: true);

            // A GIF compresses no further either: store it as is, as the video is.
            migrationBuilder.Sql("ALTER TABLE clip_files ALTER COLUMN animation SET STORAGE EXTERNAL;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "has_animation",
                table: "clips");

            migrationBuilder.DropColumn(
                name: "animation",
                table: "clip_files");
        }
    }
}
