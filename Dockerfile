# WorldWeb server image, built from `./worldweb publish` (self-contained linux-x64: no .NET in the runtime image).
#   docker build -t worldweb .
#   docker build -t worldweb:gpu --build-arg FLAVOR=gpu .      (run with --gpus all; docs/gpu.md)
# The model package is mounted, not baked in: -v ./models:/models:ro (Models__Packages__0=/models/default).
# docker-compose.yml runs it with PostgreSQL.
ARG FLAVOR=cpu

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG FLAVOR
WORKDIR /src
COPY . .
RUN ./worldweb publish $([ "$FLAVOR" = gpu ] && echo --cuda) --out /out/worldweb

FROM mcr.microsoft.com/dotnet/runtime-deps:10.0 AS runtime-cpu

# ONNX Runtime 1.31's CUDA provider links CUDA 13 and cuDNN 9.
FROM nvidia/cuda:13.0.2-cudnn-runtime-ubuntu24.04 AS runtime-gpu
RUN (id app 2>/dev/null || useradd --create-home --uid 1654 app)
ENV Inference__ExecutionProvider=Cuda

FROM runtime-${FLAVOR} AS final
# Clips are encoded by the distribution's ffmpeg (libx264); without it the server refuses clips and says why.
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ffmpeg && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /out/worldweb/server .
# /data holds the certificate that encrypts the cookie keys in the database and the cluster's certificate (both made
# on first start): mount a volume there and back it up; every node of a cluster needs the same files (docs/cluster.md).
RUN mkdir -p /data && chown app /data
ENV ASPNETCORE_URLS=http://0.0.0.0:8080 \
    DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 \
    Models__Packages__0=/models/default \
    DataProtection__CertificatePath=/data/dataprotection.pfx \
    Cluster__CertificatePath=/data/cluster.pfx
VOLUME /data
EXPOSE 8080
USER app
ENTRYPOINT ["./WorldWeb.Server"]
