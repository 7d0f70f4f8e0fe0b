# WorldWeb server image. CPU by default; the GPU image runs ONNX Runtime on CUDA:
#   docker build -t worldweb .
#   docker build -t worldweb:gpu --build-arg FLAVOR=gpu .      (run with --gpus all)
# The model package is mounted, not baked in: -v ./models:/models:ro (Models__Packages__0=/models/default).
# docker-compose.yml runs it with PostgreSQL.
ARG FLAVOR=cpu

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG FLAVOR
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY WorldWeb.Inference/WorldWeb.Inference.csproj WorldWeb.Inference/
COPY WorldWeb.Memory/WorldWeb.Memory.csproj WorldWeb.Memory/
COPY WorldWeb.Client/WorldWeb.Client.csproj WorldWeb.Client/
COPY WorldWeb.Server/WorldWeb.Server.csproj WorldWeb.Server/
COPY migrations/WorldWeb.Migrations.csproj migrations/
RUN use_cuda=$([ "$FLAVOR" = gpu ] && echo true || echo false) \
 && dotnet restore WorldWeb.Server/WorldWeb.Server.csproj -p:UseCuda=$use_cuda
COPY WorldWeb.Inference/ WorldWeb.Inference/
COPY WorldWeb.Memory/ WorldWeb.Memory/
COPY WorldWeb.Client/ WorldWeb.Client/
COPY WorldWeb.Server/ WorldWeb.Server/
COPY migrations/ migrations/
RUN use_cuda=$([ "$FLAVOR" = gpu ] && echo true || echo false) \
 && dotnet publish WorldWeb.Server/WorldWeb.Server.csproj -c Release -o /app --no-restore -p:UseCuda=$use_cuda

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime-cpu

# ONNX Runtime 1.31's CUDA provider needs CUDA 12 and cuDNN 9; the ASP.NET runtime is copied in.
FROM nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04 AS runtime-gpu
COPY --from=mcr.microsoft.com/dotnet/aspnet:10.0 /usr/share/dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet \
 && apt-get update && apt-get install -y --no-install-recommends ca-certificates libssl3 && rm -rf /var/lib/apt/lists/* \
 && (id app 2>/dev/null || useradd --create-home --uid 1654 app)
ENV Inference__ExecutionProvider=Cuda

FROM runtime-${FLAVOR} AS final
WORKDIR /app
COPY --from=build /app .
ENV ASPNETCORE_URLS=http://0.0.0.0:8080 \
    Models__Packages__0=/models/default
EXPOSE 8080
USER app
ENTRYPOINT ["dotnet", "WorldWeb.Server.dll"]
