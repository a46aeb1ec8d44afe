using Samverkan.Host.Actors;
using Samverkan.Host.Api;
using Samverkan.Host.Dashboard;
using Samverkan.Host.Database;
using Samverkan.Host.Demo;
using Samverkan.Host.Errors;
using Samverkan.Host.Health;
using Samverkan.Host.Hosting;
using Samverkan.Host.Retention;
using Samverkan.Host.SchoolSync;
using Samverkan.Host.Security;
using Samverkan.Host.Silo;
using Samverkan.Host.Telemetry;
using Samverkan.Host.Webhooks;

// `dotnet Samverkan.Host.dll migrate` applies the database migrations and exits (deployment jobs).
var builder = WebApplication.CreateBuilder(MigrateCommand.HostArguments(args));

builder.AddSamverkanDefaults();      // problem details, forwarded headers (Samverkan:Proxy), OpenAPI, graceful shutdown
builder.AddSamverkanTelemetry();     // OpenTelemetry traces, metrics and logs
builder.AddSamverkanDatabase();      // NpgsqlDataSource, private PostgreSQL if unconfigured, migrations at start
builder.AddSamverkanSecurity();      // tokens, session cookie, policies (authenticated by default), rate limits, audit log, child access
builder.AddSamverkanHealth();        // /health/live, /health/ready (features add readiness checks)
builder.AddSamverkanActors();        // this node of the actor runtime, with the coordination actors
builder.AddSamverkanSilo();          // this node's Orleans silo: ADO.NET membership, grain storage and reminders on PostgreSQL
builder.AddSamverkanApi();           // the JSON API under /api/v1
builder.AddSamverkanDashboard();     // the live dashboard (Blazor components rendered on the server)
builder.AddSamverkanDemo();          // Development only: the demo municipality
builder.AddSamverkanRetention();     // the scheduled culling job (Samverkan:Retention)
builder.AddSamverkanWebhooks();      // alerts posted to organisations' own systems (outbox, signed, retried)
builder.AddSamverkanSchoolSync();    // SS 12000 sources pulled by one grain each (Samverkan:SchoolSync)

var app = builder.Build();

if (MigrateCommand.IsRequested(args))
{
    return await app.RunMigrateCommandAsync();
}

app.UseSamverkanProblemDetails();
app.UseSamverkanForwardedHeaders(); // the client's address and scheme from trusted proxies only, before rate limits and cookies
app.UseSamverkanSecurity();         // authentication, rate limits, authorization; /signin, /signout, /api/v1/audit, /dev (Development)
app.MapHealth();
app.MapSamverkanOpenApi();         // /openapi/v1.json and the API reference page at /openapi/reference
app.MapSamverkanApi();
app.MapSamverkanDashboard();
app.MapSiloDashboard();            // the Orleans dashboard for operators (no grain state)

return await app.RunSamverkanAsync();
