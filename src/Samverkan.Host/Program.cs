using Samverkan.Host.Database;
using Samverkan.Host.Errors;
using Samverkan.Host.Health;
using Samverkan.Host.Hosting;
using Samverkan.Host.Telemetry;

// `dotnet Samverkan.Host.dll migrate` applies the database migrations and exits (deployment jobs).
var builder = WebApplication.CreateBuilder(MigrateCommand.HostArguments(args));

builder.AddSamverkanDefaults();      // problem details, OpenAPI, graceful shutdown
builder.AddSamverkanTelemetry();     // OpenTelemetry traces, metrics and logs
builder.AddSamverkanDatabase();      // NpgsqlDataSource, private PostgreSQL if unconfigured, migrations at start
builder.AddSamverkanHealth();        // /health/live, /health/ready (features add readiness checks)

var app = builder.Build();

if (MigrateCommand.IsRequested(args))
{
    return await app.RunMigrateCommandAsync();
}

app.UseSamverkanProblemDetails();
app.MapHealth();
app.MapOpenApi();

return await app.RunSamverkanAsync();
