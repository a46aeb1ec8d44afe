using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Samverkan.SchoolSync.Ss12000;
using Samverkan.Testing;

namespace Samverkan.SchoolSync.Tests;

/// <summary>SS 12000 sources through the API (<c>/api/v1/municipalities/{code}/school-sync/sources</c>), against the double and the real host.</summary>
public sealed class SourceApiTests(PostgresServerFixture postgres)
{
    private const string Other = "0180";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string Path(string municipality = SchoolData.Municipality, string? id = null, string? tail = null) =>
        $"/api/v1/municipalities/{municipality}/school-sync/sources" + (id is null ? "" : "/" + id) + (tail ?? "");

    private static object OAuthBody(Ss12000Double source, string id, string? secret = Ss12000Double.ClientSecret, string poll = "01:00:00") => new
    {
        id,
        organisation = SchoolData.Organisation,
        baseUrl = source.BaseUrl.ToString(),
        oauth = new { tokenUrl = source.TokenUrl.ToString(), clientId = Ss12000Double.ClientId, clientSecret = secret, scope = "ss12000" },
        schoolUnits = new[] { SchoolData.Björkskolan, SchoolData.Ekskolan },
        pollInterval = poll,
    };

    [Fact]
    public async Task ARegisteredSource_IsScheduledAndSyncedWithoutRestart_ShowsItsStateAndMetrics_AndNeverItsSecret()
    {
        await using var source = await Ss12000Double.StartAsync();
        new SchoolData(source).Load();
        await using var host = await SchoolSyncHost.StartAsync(postgres, source, configured: false);
        using var client = host.Operator();
        const string id = "kommun-api";
        using var metrics = new MetricsCapture(id);

        var created = await client.PostAsJsonAsync(Path(), OAuthBody(source, id), Token);
        var createdText = await created.Content.ReadAsStringAsync(Token);
        created.StatusCode.ShouldBe(HttpStatusCode.Created, createdText);
        created.Headers.Location!.ToString().ShouldBe(Path(id: id));
        created.Headers.ETag!.Tag.ShouldBe("\"1\"");
        createdText.ShouldNotContain(Ss12000Double.ClientSecret);
        var view = JsonDocument.Parse(createdText).RootElement;
        view.GetProperty("origin").GetString().ShouldBe("api");
        view.GetProperty("readOnly").GetBoolean().ShouldBeFalse();
        view.GetProperty("oauth").GetProperty("hasSecret").GetBoolean().ShouldBeTrue();
        view.GetProperty("oauth").TryGetProperty("clientSecret", out _).ShouldBeFalse();

        // Encrypted at rest: the column holds a Data Protection payload, not the secret.
        var stored = await host.TextAsync("select client_secret from school_sync_sources where source = $1", id);
        stored.ShouldNotBeNullOrEmpty();
        stored.ShouldNotContain(Ss12000Double.ClientSecret);
        stored.ShouldNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(Ss12000Double.ClientSecret)));

        // The runner has its reminder at once (no restart), and "sync now" runs it.
        await host.WaitUntilAsync(
            async () => await host.ScalarAsync("select count(*) from orleans_reminders where reminder_name = 'school-sync' and grain_id like '%' || $1", id) == 1,
            "the registered source's reminder");
        var sync = await client.PostAsync(Path(id: id, tail: "/sync"), null, Token);
        sync.StatusCode.ShouldBe(HttpStatusCode.Accepted, await sync.Content.ReadAsStringAsync(Token));

        JsonElement state = default;
        await host.WaitUntilAsync(
            async () =>
            {
                var response = await client.GetAsync(Path(id: id), Token);
                state = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement.GetProperty("state");
                return state.GetProperty("lastSuccess").ValueKind == JsonValueKind.String && !state.GetProperty("running").GetBoolean();
            },
            "the sync's success in the source's state");
        state.GetProperty("lastError").ValueKind.ShouldBe(JsonValueKind.Null);
        state.GetProperty("lagSeconds").GetDouble().ShouldBeGreaterThanOrEqualTo(0);
        state.GetProperty("items").GetProperty("persons.applied").GetInt32().ShouldBe(SchoolData.Pupils.Count);
        state.GetProperty("items").GetProperty("attendances.applied").GetInt32().ShouldBe(SchoolData.AttendanceCount);
        (await host.ScalarAsync("select count(*) from coord_enrolments where child_key = $1 and to_date is null", host.KeyOf(SchoolData.Pupils[0]))).ShouldBe(1);
        (await host.ScalarAsync("select count(*) from coord_schools where municipality = $1", SchoolData.Municipality)).ShouldBe(2);

        // Metrics per source: items per kind and outcome, the run, the lag; no other tags.
        metrics.Sum("samverkan.school_sync.items", ("kind", "persons"), ("outcome", "applied")).ShouldBe(SchoolData.Pupils.Count);
        metrics.Sum("samverkan.school_sync.runs", ("outcome", "succeeded")).ShouldBe(1);
        metrics.Observe("samverkan.school_sync.lag").ShouldNotBeNull();
        metrics.TagKeys.ShouldBeSubsetOf(["source", "kind", "outcome", "code"]);

        // The list shows it too; the logs never hold the secret.
        var list = await client.GetStringAsync(Path(), Token);
        JsonDocument.Parse(list).RootElement.EnumerateArray().Select(s => s.GetProperty("id").GetString()).ShouldBe([id]);
        list.ShouldNotContain(Ss12000Double.ClientSecret);
        host.Logs.Lines.ShouldNotContain(l => l.Contains(Ss12000Double.ClientSecret, StringComparison.Ordinal));
        host.Logs.Lines.ShouldContain(l => l.Contains("SS 12000 source kommun-api of municipality 1282 registered", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OperatorsOfAnotherMunicipality_NeitherSeeNorChangeTheSources_AndOthersOfTheSameMunicipalityAreRefused()
    {
        await using var source = await Ss12000Double.StartAsync();
        await using var host = await SchoolSyncHost.StartAsync(postgres, source, configured: false);
        using var mine = host.Operator();
        const string id = "kommun-1282";
        (await mine.PostAsJsonAsync(Path(), OAuthBody(source, id), Token)).StatusCode.ShouldBe(HttpStatusCode.Created);

        using var foreign = host.Operator(Other);
        var body = OAuthBody(source, id, poll: "00:02:00");
        foreach (var path in new[] { Path(id: id), Path(Other, id) })
        {
            (await foreign.GetAsync(path, Token)).StatusCode.ShouldBe(HttpStatusCode.NotFound, path);
            (await foreign.PutAsJsonAsync(path, body, Token)).StatusCode.ShouldBe(HttpStatusCode.NotFound, path);
            (await foreign.PostAsync(path + "/sync", null, Token)).StatusCode.ShouldBe(HttpStatusCode.NotFound, path);
            (await foreign.DeleteAsync(path, Token)).StatusCode.ShouldBe(HttpStatusCode.NotFound, path);
        }

        (await foreign.GetAsync(Path(), Token)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await foreign.PostAsJsonAsync(Path(), OAuthBody(source, "foreign-into-1282"), Token)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await foreign.GetStringAsync(Path(Other), Token)).ShouldBe("[]");

        // In the same municipality: the administrator, a principal and the school system's feed are not its operators.
        var refusedTokens = new[]
        {
            host.Tokens.Person("ulla", "org-1282-kommun", SchoolData.Municipality, "School", "Administrator"),
            host.Tokens.Person("anna", SchoolData.Organisation, SchoolData.Municipality, "School", "Principal"),
            host.Tokens.Feed("skolsystem", SchoolData.Organisation, SchoolData.Municipality, "School"),
        };
        foreach (var token in refusedTokens)
        {
            using var other = host.ClientWithToken(token);
            (await other.GetAsync(Path(id: id), Token)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            (await other.PutAsJsonAsync(Path(id: id), body, Token)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            (await other.PostAsync(Path(id: id, tail: "/sync"), null, Token)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            (await other.DeleteAsync(Path(id: id), Token)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        }

        // Nothing changed, nothing ran.
        (await host.ScalarAsync("select count(*) from school_sync_sources where source = $1 and version = 1 and poll_interval_seconds = 3600", id)).ShouldBe(1);
        (await host.ScalarAsync("select count(*) from school_sync_sources")).ShouldBe(1);
        (await host.ScalarAsync("select count(*) from school_sync_state")).ShouldBe(0);
    }

    [Fact]
    public async Task BadInput_UnknownIds_ConflictingEdits_AndConfiguredSources_AreAnsweredAsProblems()
    {
        await using var source = await Ss12000Double.StartAsync();
        await using var host = await SchoolSyncHost.StartAsync(postgres, source);
        using var client = host.Operator();

        // The configured source is listed read-only, without its secret.
        var listed = await client.GetStringAsync(Path(), Token);
        listed.ShouldNotContain(Ss12000Double.ClientSecret);
        var configured = JsonDocument.Parse(listed).RootElement.EnumerateArray().Single();
        configured.GetProperty("id").GetString().ShouldBe(SchoolSyncHost.SourceName);
        configured.GetProperty("origin").GetString().ShouldBe("configuration");
        configured.GetProperty("readOnly").GetBoolean().ShouldBeTrue();
        configured.GetProperty("oauth").GetProperty("hasSecret").GetBoolean().ShouldBeTrue();

        // 422 with the fields; 400 for a body that is not JSON of the schema.
        var invalid = await client.PostAsJsonAsync(Path(), new { id = "Not An Id", baseUrl = "ftp://x", schoolUnits = Array.Empty<string>(), pollInterval = "00:00:10" }, Token);
        invalid.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        invalid.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var fields = JsonDocument.Parse(await invalid.Content.ReadAsStringAsync(Token)).RootElement.GetProperty("errors").EnumerateArray()
            .Select(e => e.GetProperty("field").GetString()).ToList();
        fields.ShouldBe(["id", "organisation", "baseUrl", "oauth", "schoolUnits", "pollInterval"], ignoreOrder: true);
        var noSecret = await client.PostAsJsonAsync(Path(), OAuthBody(source, "no-secret", secret: null), Token);
        noSecret.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var badCertificate = await client.PostAsJsonAsync(Path(), new
        {
            id = "bad-certificate", organisation = SchoolData.Organisation, baseUrl = "https://127.0.0.1:1/ss12000/",
            clientCertificate = new { pfx = Convert.ToBase64String(RandomNumberGenerator.GetBytes(300)), password = "x" },
            schoolUnits = new[] { SchoolData.Björkskolan },
        }, Token);
        badCertificate.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await badCertificate.Content.ReadAsStringAsync(Token)).ShouldContain("Unreadable");
        using (var notJson = new StringContent("{\"id\": ", Encoding.UTF8, "application/json"))
        {
            var malformed = await client.PostAsync(Path(), notJson, Token);
            malformed.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }

        var badTime = await client.PostAsync(Path(), JsonContent.Create(new { id = "x", pollInterval = "every minute" }), Token);
        badTime.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await host.ScalarAsync("select count(*) from school_sync_sources")).ShouldBe(0);

        // Ids are unique, configured ones included.
        var taken = await client.PostAsJsonAsync(Path(), OAuthBody(source, SchoolSyncHost.SourceName), Token);
        taken.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        const string id = "kommun-api-2";
        (await client.PostAsJsonAsync(Path(), OAuthBody(source, id), Token)).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await client.PostAsJsonAsync(Path(), OAuthBody(source, id), Token)).StatusCode.ShouldBe(HttpStatusCode.Conflict);

        // Unknown ids.
        (await client.GetAsync(Path(id: "no-such-source"), Token)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.PutAsJsonAsync(Path(id: "no-such-source"), OAuthBody(source, "no-such-source"), Token)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.DeleteAsync(Path(id: "no-such-source"), Token)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.PostAsync(Path(id: "no-such-source", tail: "/sync"), null, Token)).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        // An update without the secret keeps it; a stale If-Match is a conflict, and changes nothing.
        var secretBefore = await host.TextAsync("select client_secret from school_sync_sources where source = $1", id);
        var updated = await SendAsync(client, HttpMethod.Put, Path(id: id), "\"1\"", OAuthBody(source, id, secret: null, poll: "00:10:00"));
        updated.StatusCode.ShouldBe(HttpStatusCode.OK, await updated.Content.ReadAsStringAsync(Token));
        updated.Headers.ETag!.Tag.ShouldBe("\"2\"");
        var after = JsonDocument.Parse(await updated.Content.ReadAsStringAsync(Token)).RootElement;
        after.GetProperty("pollInterval").GetString().ShouldBe("00:10:00");
        after.GetProperty("oauth").GetProperty("hasSecret").GetBoolean().ShouldBeTrue();
        (await host.TextAsync("select client_secret from school_sync_sources where source = $1", id)).ShouldBe(secretBefore);

        var stale = await SendAsync(client, HttpMethod.Put, Path(id: id), "\"1\"", OAuthBody(source, id, poll: "00:20:00"));
        stale.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await stale.Content.ReadAsStringAsync(Token)).ShouldContain("VersionConflict");
        (await SendAsync(client, HttpMethod.Delete, Path(id: id), "\"1\"", null)).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await SendAsync(client, HttpMethod.Put, Path(id: id), "not-an-etag", OAuthBody(source, id))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await host.ScalarAsync("select count(*) from school_sync_sources where source = $1 and version = 2 and poll_interval_seconds = 600", id)).ShouldBe(1);

        // The configured source cannot be changed or removed here; it can be synced.
        (await client.PutAsJsonAsync(Path(id: SchoolSyncHost.SourceName), OAuthBody(source, SchoolSyncHost.SourceName), Token)).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await client.DeleteAsync(Path(id: SchoolSyncHost.SourceName), Token)).StatusCode.ShouldBe(HttpStatusCode.Conflict);

        // Removed: gone from the API, and its runner stops.
        await host.WaitUntilAsync(
            async () => await host.ScalarAsync("select count(*) from orleans_reminders where reminder_name = 'school-sync' and grain_id like '%' || $1", id) == 1,
            "the registered source's reminder");
        (await SendAsync(client, HttpMethod.Delete, Path(id: id), "\"2\"", null)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await client.GetAsync(Path(id: id), Token)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        await host.WaitUntilAsync(
            async () => await host.ScalarAsync("select count(*) from orleans_reminders where reminder_name = 'school-sync' and grain_id like '%' || $1", id) == 0,
            "the removed source's reminder gone");
    }

    [Fact]
    public async Task AClientCertificateSource_IsPulledOverMutualTls_AndAnotherCertificateIsRefusedByTheSource()
    {
        using var server = Certificate("CN=127.0.0.1", server: true);
        using var accepted = Certificate("CN=samverkan-kommun-1282", server: false);
        using var refused = Certificate("CN=someone-else", server: false);
        await using var source = await Ss12000Double.StartAsync(server, accepted);
        new SchoolData(source).Load();
        await using var host = await SchoolSyncHost.StartAsync(postgres, source, maxAttempts: 2, configured: false);
        host.Services.GetRequiredService<Ss12000Transport>().ConfigureTls = tls =>
            tls.RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == server.Thumbprint;
        using var client = host.Operator();
        const string id = "kommun-mtls";
        const string password = "pfx-password-9d2e";
        var pfx = Convert.ToBase64String(accepted.Export(X509ContentType.Pkcs12, password));

        var created = await client.PostAsJsonAsync(Path(), new
        {
            id, organisation = SchoolData.Organisation, baseUrl = source.BaseUrl.ToString(),
            clientCertificate = new { pfx, password }, schoolUnits = new[] { SchoolData.Björkskolan, SchoolData.Ekskolan },
        }, Token);
        var text = await created.Content.ReadAsStringAsync(Token);
        created.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        text.ShouldNotContain(pfx);
        text.ShouldNotContain(password);
        var certificate = JsonDocument.Parse(text).RootElement.GetProperty("clientCertificate");
        certificate.GetProperty("hasSecret").GetBoolean().ShouldBeTrue();
        certificate.GetProperty("thumbprint").GetString().ShouldBe(accepted.Thumbprint);
        (await host.TextAsync("select client_certificate from school_sync_sources where source = $1", id))!.ShouldNotContain(pfx[..40]);

        var grain = host.Services.GetRequiredService<IGrainFactory>().GetGrain<ISchoolSyncGrain>(id);
        var run = await grain.SyncNowAsync();
        run.Succeeded.ShouldBeTrue(run.Error);
        run.Count("persons.applied").ShouldBe(SchoolData.Pupils.Count);
        source.TokenRequests.ShouldBe(0, "the certificate authenticates the client");

        // Another certificate (PEM this time), and the source refuses the handshake: the run stops.
        var get = await client.GetAsync(Path(id: id), Token);
        var put = await SendAsync(client, HttpMethod.Put, Path(id: id), get.Headers.ETag!.Tag, new
        {
            organisation = SchoolData.Organisation, baseUrl = source.BaseUrl.ToString(),
            clientCertificate = new { certificatePem = refused.ExportCertificatePem(), privateKeyPem = refused.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem() },
            schoolUnits = new[] { SchoolData.Björkskolan, SchoolData.Ekskolan },
        });
        put.StatusCode.ShouldBe(HttpStatusCode.OK, await put.Content.ReadAsStringAsync(Token));
        var failed = await grain.SyncNowAsync();
        failed.ErrorCode.ShouldBe("Unavailable");
        source.CertificateRefusals.ShouldBeGreaterThan(0);
        host.Logs.Lines.ShouldNotContain(l => l.Contains(password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AConfiguredSource_WithAClientCertificateFile_IsPulledOverMutualTls_AndListedReadOnly()
    {
        using var server = Certificate("CN=127.0.0.1", server: true);
        using var accepted = Certificate("CN=samverkan-kommun-1282", server: false);
        await using var source = await Ss12000Double.StartAsync(server, accepted);
        new SchoolData(source).Load();
        const string password = "file-password-71c0";
        var file = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"samverkan-ss12000-{Guid.NewGuid():N}.pfx");
        await File.WriteAllBytesAsync(file, accepted.Export(X509ContentType.Pkcs12, password), Token);
        try
        {
            const string prefix = "Samverkan:SchoolSync:Sources:0:";
            await using var host = await SchoolSyncHost.StartAsync(postgres, source, configure: settings =>
            {
                settings.Remove(prefix + "TokenUrl");
                settings.Remove(prefix + "ClientId");
                settings.Remove(prefix + "ClientSecret");
                settings[prefix + "ClientCertificatePath"] = file;
                settings[prefix + "ClientCertificatePassword"] = password;
            });
            host.Services.GetRequiredService<Ss12000Transport>().ConfigureTls = tls =>
                tls.RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == server.Thumbprint;

            var run = await host.SyncAsync();
            run.Succeeded.ShouldBeTrue(run.Error);
            run.Count("persons.applied").ShouldBe(SchoolData.Pupils.Count);
            source.TokenRequests.ShouldBe(0);

            using var client = host.Operator();
            var listed = await client.GetStringAsync(Path(), Token);
            listed.ShouldNotContain(password);
            var configured = JsonDocument.Parse(listed).RootElement.EnumerateArray().Single();
            configured.GetProperty("origin").GetString().ShouldBe("configuration");
            configured.GetProperty("oauth").ValueKind.ShouldBe(JsonValueKind.Null);
            configured.GetProperty("clientCertificate").GetProperty("thumbprint").GetString().ShouldBe(accepted.Thumbprint);
            configured.GetProperty("state").GetProperty("items").GetProperty("persons.applied").GetInt32().ShouldBe(SchoolData.Pupils.Count);
            host.Logs.Lines.ShouldNotContain(l => l.Contains(password, StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string ifMatch, object? body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return await client.SendAsync(request, Token);
    }

    private static X509Certificate2 Certificate(string subject, bool server)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [server ? new Oid("1.3.6.1.5.5.7.3.1") : new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        if (server)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }

        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>The connector's measurements of one source (the meter is shared by the tests of the process: filtered by the source tag).</summary>
    private sealed class MetricsCapture : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly string _source;
        private readonly List<(string Instrument, double Value, Dictionary<string, string?> Tags)> _measurements = [];

        public MetricsCapture(string source)
        {
            _source = source;
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == SchoolSyncMetrics.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
            _listener.Start();
        }

        public IReadOnlyCollection<string> TagKeys
        {
            get
            {
                lock (_measurements)
                {
                    return [.. _measurements.SelectMany(m => m.Tags.Keys).Distinct()];
                }
            }
        }

        public double Sum(string instrument, params (string Key, string Value)[] tags)
        {
            lock (_measurements)
            {
                return _measurements.Where(m => m.Instrument == instrument && tags.All(t => m.Tags.GetValueOrDefault(t.Key) == t.Value)).Sum(m => m.Value);
            }
        }

        public double? Observe(string instrument)
        {
            _listener.RecordObservableInstruments();
            lock (_measurements)
            {
                return _measurements.LastOrDefault(m => m.Instrument == instrument).Tags is null ? null : _measurements.Last(m => m.Instrument == instrument).Value;
            }
        }

        public void Dispose() => _listener.Dispose();

        private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var map = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var tag in tags)
            {
                map[tag.Key] = tag.Value?.ToString();
            }

            if (map.GetValueOrDefault("source") != _source)
            {
                return;
            }

            lock (_measurements)
            {
                _measurements.Add((instrument.Name, value, map));
            }
        }
    }
}
