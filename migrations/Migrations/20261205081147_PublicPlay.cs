using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace WorldWeb.Migrations
{
    /// <inheritdoc />
    public partial class PublicPlay : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "public_play",
                table: "worlds",
                type: "boolean",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "public_play",
                table: "worlds");
        }
    }
}
