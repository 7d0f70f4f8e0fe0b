using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace WorldWeb.Migrations
{
    /// <inheritdoc />
    public partial class Clips : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "clips",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    world_id = table.Column<string>(type: "character varying(32)", nullable: false),
                    owner_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    address = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    from_step = table.Column<long>(type: "bigint", nullable: false),
                    to_step = table.Column<long>(type: "bigint", nullable: false),
                    fps = table.Column<double>(type: "double precision", nullable: false),
                    status = table.Column<int>(type: "integer", nullable: false),
                    percent = table.Column<int>(type: "integer", nullable: false),
                    error = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    bytes = table.Column<long>(type: "bigint", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_clips", x => x.id);
                    table.ForeignKey(
                        name: "fk_clips_worlds_world_id",
                        column: x => x.world_id,
                        principalTable: "worlds",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "world_visits",
                columns: table => new
                {
                    world_id = table.Column<string>(type: "character varying(32)", nullable: false),
                    visitor_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    first_step = table.Column<long>(type: "bigint", nullable: false),
                    first_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_world_visits", x => new { x.world_id, x.visitor_id });
                    table.ForeignKey(
                        name: "fk_world_visits_worlds_world_id",
                        column: x => x.world_id,
                        principalTable: "worlds",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "clip_files",
                columns: table => new
                {
                    clip_id = table.Column<string>(type: "character varying(32)", nullable: false),
                    video = table.Column<byte[]>(type: "bytea", nullable: false),
                    events = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_clip_files", x => x.clip_id);
                    table.ForeignKey(
                        name: "fk_clip_files_clips_clip_id",
                        column: x => x.clip_id,
                        principalTable: "clips",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            // An MP4 does not compress: storing it as it is spares PostgreSQL an attempt at every write.
            migrationBuilder.Sql("ALTER TABLE clip_files ALTER COLUMN video SET STORAGE EXTERNAL;");

            migrationBuilder.CreateIndex(
                name: "ix_clips_address_status",
                table: "clips",
                columns: new[] { "address", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_clips_expires_at",
                table: "clips",
                column: "expires_at");

            migrationBuilder.CreateIndex(
                name: "ix_clips_owner_id_status",
                table: "clips",
                columns: new[] { "owner_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_clips_world_id",
                table: "clips",
                column: "world_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "clip_files");

            migrationBuilder.DropTable(
                name: "world_visits");

            migrationBuilder.DropTable(
                name: "clips");
        }
    }
}
