# syntax=docker/dockerfile:1
# ChoriaDashboard: build with the SDK, run on the ASP.NET runtime as a non-root user.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ChoriaDashboard.csproj ./
# For the build machine's runtime (the image's platform), so the publish below is ReadyToRun (ChoriaDashboard.csproj).
RUN dotnet restore ChoriaDashboard.csproj --use-current-runtime
COPY appsettings.json ./
COPY wwwroot/ wwwroot/
COPY src/ src/
RUN dotnet publish ChoriaDashboard.csproj -c Release -o /app --no-restore --use-current-runtime

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# The sign-in cookie's keys: mount a volume here so people stay signed in across restarts (and share it between
# replicas); owned by the app's user, so a named volume mounted here starts writable.
RUN mkdir -p /var/lib/choria-dashboard/keys && chown "$APP_UID" /var/lib/choria-dashboard/keys
ENV ASPNETCORE_URLS=http://+:8080 \
    ASPNETCORE_ENVIRONMENT=Production \
    Auth__KeysDirectory=/var/lib/choria-dashboard/keys \
    DOTNET_gcServer=0 \
    Nats__Url=nats://nats:4222
EXPOSE 8080
# The image's built-in unprivileged user.
USER $APP_UID
HEALTHCHECK --interval=15s --timeout=5s --start-period=10s --retries=3 \
  CMD ["dotnet", "/app/ChoriaDashboard.dll", "--probe", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["dotnet", "/app/ChoriaDashboard.dll"]
