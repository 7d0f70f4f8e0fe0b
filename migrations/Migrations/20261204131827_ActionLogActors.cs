using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace WorldWeb.Migrations
{
    /// <inheritdoc />
    public partial class ActionLogActors : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "actors",
                table: "action_log",
                type: "jsonb",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "actors",
                table: "action_log");
        }
    }
}
