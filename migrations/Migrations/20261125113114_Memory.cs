using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace WorldWeb.Migrations
{
    /// <inheritdoc />
    public partial class Memory : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "memory_enabled",
                table: "worlds",
                type: "boolean",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<long[]>(
                name: "memory_steps",
                table: "saves",
                type: "bigint[]",
                nullable: false,
                defaultValueSql: "'{}'::bigint[]");

            migrationBuilder.CreateTable(
                name: "memory_entries",
                columns: table => new
                {
                    world_id = table.Column<string>(type: "character varying(32)", nullable: false),
                    step = table.Column<long>(type: "bigint", nullable: false),
                    x = table.Column<double>(type: "double precision", nullable: false),
                    y = table.Column<double>(type: "double precision", nullable: false),
                    heading = table.Column<double>(type: "double precision", nullable: false),
                    landmark = table.Column<bool>(type: "boolean", nullable: false),
                    evicted = table.Column<bool>(type: "boolean", nullable: false),
                    frame = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_memory_entries", x => new { x.world_id, x.step });
                    table.ForeignKey(
                        name: "fk_memory_entries_worlds_world_id",
                        column: x => x.world_id,
                        principalTable: "worlds",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "memory_entries");

            migrationBuilder.DropColumn(
                name: "memory_enabled",
                table: "worlds");

            migrationBuilder.DropColumn(
                name: "memory_steps",
                table: "saves");
        }
    }
}
