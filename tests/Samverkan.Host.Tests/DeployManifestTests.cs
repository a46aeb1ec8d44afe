using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using Samverkan.Host.Database;
using Samverkan.Host.Hosting;
using Samverkan.Host.Silo;
using Samverkan.Host.Telemetry;
using Samverkan.Testing;
using YamlDotNet.RepresentationModel;

namespace Samverkan.Host.Tests;

/// <summary>
/// Every file under <c>deploy/</c> parses, the Kubernetes objects have what a multi-node deployment needs and agree with
/// each other (labels, ports, names), and every setting the manifests and the compose file pass is one the host binds.
/// </summary>
public sealed class DeployManifestTests(PostgresServerFixture postgres)
{
    private static readonly string Deploy = Path.Combine(RepositoryRoot(), "deploy");

    public static TheoryData<string> YamlFiles => [.. AllYamlFiles().Select(f => Path.GetRelativePath(Deploy, f))];

    [Theory]
    [MemberData(nameof(YamlFiles))]
    public void EveryYamlFile_Parses_IntoMappings(string file)
    {
        var documents = Load(Path.Combine(Deploy, file));

        documents.ShouldNotBeEmpty(file);
        documents.ShouldAllBe(d => d is YamlMappingNode);
    }

    [Fact]
    public void TheDeployFolder_HasTheKubernetesSetup_TheDatabaseCluster_TheCollectorAndTheComposeFile()
    {
        var files = AllYamlFiles().Select(f => Path.GetRelativePath(Deploy, f).Replace('\\', '/')).ToArray();

        files.ShouldContain("kubernetes/kustomization.yaml");
        files.ShouldContain("kubernetes/postgres/cluster.yaml");
        files.ShouldContain("otel-collector.yaml");
        files.ShouldContain("compose.yaml");
        new[] { "Deployment", "Service", "PodDisruptionBudget", "Job", "ConfigMap", "NetworkPolicy", "Cluster", "ScheduledBackup" }
            .ShouldAllBe(kind => Objects().Any(o => o.Kind == kind));
    }

    [Fact]
    public void TheKustomization_ListsEveryManifest_AndEveryObjectHasApiVersionKindNameAndNamespace()
    {
        var kubernetes = Path.Combine(Deploy, "kubernetes");
        var kustomization = Load(Path.Combine(kubernetes, "kustomization.yaml")).Single();
        var listed = Items(kustomization, "resources").Select(r => Path.GetFullPath(Path.Combine(kubernetes, Scalar(r)))).ToHashSet();

        listed.ShouldAllBe(f => File.Exists(f), "a resource of the kustomization is missing");
        foreach (var file in Directory.GetFiles(kubernetes, "*.yaml", SearchOption.AllDirectories))
        {
            var name = Path.GetFileName(file);
            if (name is "kustomization.yaml" or "secret.example.yaml")
            {
                continue;
            }

            listed.ShouldContain(Path.GetFullPath(file), $"{name} is not in kustomization.yaml");
        }

        foreach (var o in Objects())
        {
            Text(o.Node, "apiVersion").ShouldNotBeNullOrWhiteSpace(o.ToString());
            Text(o.Node, "metadata", "name").ShouldNotBeNullOrWhiteSpace(o.ToString());
            if (o.Kind != "Namespace")
            {
                Text(o.Node, "metadata", "namespace").ShouldBe("samverkan", o.ToString());
            }
        }
    }

    [Fact]
    public void TheDeployment_RunsThreeSpreadNodes_RollsOneAtATime_AndProbesTheHostsHealthEndpoints()
    {
        var deployment = Single("Deployment", "samverkan");
        var pod = Get(deployment, "spec", "template", "spec")!;
        var container = Container(pod, "samverkan");
        var podLabels = Labels(Get(deployment, "spec", "template", "metadata", "labels"));

        Int(deployment, "spec", "replicas").ShouldBeGreaterThanOrEqualTo(3);
        Labels(Get(deployment, "spec", "selector", "matchLabels")).ShouldAllBe(l => podLabels.Contains(l));
        Text(deployment, "spec", "strategy", "type").ShouldBe("RollingUpdate");
        Text(deployment, "spec", "strategy", "rollingUpdate", "maxUnavailable").ShouldBe("0");
        Text(deployment, "spec", "strategy", "rollingUpdate", "maxSurge").ShouldBe("1");

        Text(container, "readinessProbe", "httpGet", "path").ShouldBe(HealthPaths.Ready);
        Text(container, "livenessProbe", "httpGet", "path").ShouldBe(HealthPaths.Live);
        Text(container, "startupProbe", "httpGet", "path").ShouldBe(HealthPaths.Live, "a start that waits for the database is no reason to restart");
        foreach (var probe in new[] { "readinessProbe", "livenessProbe", "startupProbe" })
        {
            PortNumber(container, Text(container, probe, "httpGet", "port")!).ShouldBe(HttpPort(), probe);
        }

        var spread = Items(pod, "topologySpreadConstraints").ToArray();
        var byHost = spread.Where(c => Text(c, "topologyKey") == "kubernetes.io/hostname").ShouldHaveSingleItem("spread over the cluster's nodes");
        Labels(Get(byHost, "labelSelector", "matchLabels")).ShouldAllBe(l => podLabels.Contains(l));
        Int(byHost, "maxSkew").ShouldBe(1);
    }

    [Fact]
    public void TheDeployment_GivesTheHostLongerToStopThanItsOwnShutdown_WhichCoversTheSilosBoundedStop()
    {
        var pod = Get(Single("Deployment", "samverkan"), "spec", "template", "spec")!;
        var container = Container(pod, "samverkan");
        var preStop = Items(container, "lifecycle", "preStop", "exec", "command").Select(Scalar).ToArray();
        var pause = preStop is ["sleep", var seconds] ? int.Parse(seconds, CultureInfo.InvariantCulture) : 0;
        var shutdown = HostShutdownTimeout();

        // SiloStarter: at most 15 s graceful stop plus 5 s before the node stops without waiting for it.
        var siloStop = Constant<TimeSpan>(typeof(SiloOptions).Assembly.GetType("Samverkan.Host.Silo.SiloStarter")!, "GracefulStop")
            + Constant<TimeSpan>(typeof(SiloOptions).Assembly.GetType("Samverkan.Host.Silo.SiloStarter")!, "AbandonedStop");
        siloStop.ShouldBeLessThan(shutdown, "the host's shutdown timeout covers the silo's bounded stop");
        TimeSpan.FromSeconds(Int(pod, "terminationGracePeriodSeconds")).ShouldBeGreaterThan(shutdown + TimeSpan.FromSeconds(pause));
    }

    [Fact]
    public void TheSiloAndGatewayPorts_AreTheConfiguredOnes_AndTheAdvertisedAddressIsThePodIp()
    {
        var container = Container(Get(Single("Deployment", "samverkan"), "spec", "template", "spec")!, "samverkan");
        var config = ConfigMapData("samverkan");

        PortNumber(container, "http").ShouldBe(HttpPort());
        PortNumber(container, "silo").ShouldBe(int.Parse(config["Samverkan__Silo__SiloPort"], CultureInfo.InvariantCulture));
        PortNumber(container, "gateway").ShouldBe(int.Parse(config["Samverkan__Silo__GatewayPort"], CultureInfo.InvariantCulture));

        var env = Env(container);
        env.ShouldContainKey("Samverkan__Silo__AdvertisedAddress");
        var reference = Regex.Match(Text(env["Samverkan__Silo__AdvertisedAddress"], "value") ?? "", @"^\$\((\w+)\)$");
        reference.Success.ShouldBeTrue("AdvertisedAddress is a $(VAR) of the pod's IP");
        Text(env[reference.Groups[1].Value], "valueFrom", "fieldRef", "fieldPath").ShouldBe("status.podIP");
    }

    [Fact]
    public void EveryVariableReference_InAContainer_NamesAVariableDefinedBeforeIt()
    {
        foreach (var (owner, container) in Containers())
        {
            var defined = new HashSet<string>(StringComparer.Ordinal);
            foreach (var variable in Items(container, "env"))
            {
                var name = Text(variable, "name")!;
                foreach (Match reference in Regex.Matches(Text(variable, "value") ?? "", @"\$\((\w+)\)"))
                {
                    defined.ShouldContain(reference.Groups[1].Value, $"{owner}: {name} refers to $({reference.Groups[1].Value}), not defined before it");
                }

                defined.Add(name);
            }
        }
    }

    [Fact]
    public void ThePodDisruptionBudget_TheServiceAndTheNetworkPolicy_SelectTheDeploymentsPods_OnItsPorts()
    {
        var deployment = Single("Deployment", "samverkan");
        var podLabels = Labels(Get(deployment, "spec", "template", "metadata", "labels"));
        var container = Container(Get(deployment, "spec", "template", "spec")!, "samverkan");
        var containerPorts = Items(container, "ports").Select(p => Int(p, "containerPort")).ToHashSet();

        var pdb = Single("PodDisruptionBudget", "samverkan");
        var pdbSelector = Labels(Get(pdb, "spec", "selector", "matchLabels"));
        pdbSelector.ShouldNotBeEmpty();
        pdbSelector.ShouldAllBe(l => podLabels.Contains(l));
        (Text(pdb, "spec", "maxUnavailable") == "1" || Int(pdb, "spec", "minAvailable") >= 2).ShouldBeTrue("one node at a time");

        var service = Single("Service", "samverkan");
        Labels(Get(service, "spec", "selector")).ShouldAllBe(l => podLabels.Contains(l));
        foreach (var port in Items(service, "spec", "ports"))
        {
            containerPorts.ShouldContain(PortNumber(container, Text(port, "targetPort")!));
        }

        var policy = Single("NetworkPolicy", "samverkan-node");
        Labels(Get(policy, "spec", "podSelector", "matchLabels")).ShouldAllBe(l => podLabels.Contains(l));
        var allowedIn = Items(policy, "spec", "ingress").SelectMany(rule => Items(rule, "ports")).Select(p => Int(p, "port")).ToHashSet();
        allowedIn.ShouldBe(containerPorts, ignoreOrder: true);
        var silo = PortNumber(container, "silo");
        var fromNodes = Items(policy, "spec", "ingress")
            .Where(rule => Items(rule, "ports").Any(p => Int(p, "port") == silo))
            .SelectMany(rule => Items(rule, "from"))
            .ToArray();
        fromNodes.ShouldAllBe(from => Labels(Get(from, "podSelector", "matchLabels")).All(l => podLabels.Contains(l)) && Get(from, "namespaceSelector") == null,
            "the silo port is open to the other nodes only");
        var database = DatabaseClusterName();
        Items(policy, "spec", "egress").SelectMany(rule => Items(rule, "to"))
            .ShouldContain(to => Text(to, "podSelector", "matchLabels", "cnpg.io/cluster") == database, "the nodes reach PostgreSQL");
    }

    [Fact]
    public void TheMigrateJob_RunsTheHostsMigrateVerb_OnTheDeploymentsDatabase()
    {
        var job = Single("Job", "samverkan-migrate");
        var container = Items(Get(job, "spec", "template", "spec"), "containers").Single();
        var node = Container(Get(Single("Deployment", "samverkan"), "spec", "template", "spec")!, "samverkan");

        Items(container, "args").Select(Scalar).ShouldBe([MigrateCommand.Verb]);
        Text(container, "image").ShouldBe(Text(node, "image"));
        Text(Get(job, "spec", "template", "spec")!, "restartPolicy").ShouldBe("Never");
        ConfigMapData("samverkan")["Samverkan__Database__MigrateOnStart"].ShouldBe("false", "nodes leave migrations to the Job");
        var jobDatabase = new NpgsqlConnectionStringBuilder(Placeholders(Text(Env(container)["ConnectionStrings__Samverkan"], "value")!));
        var nodeDatabase = new NpgsqlConnectionStringBuilder(Placeholders(Text(Env(node)["ConnectionStrings__Samverkan"], "value")!));
        (jobDatabase.Host, jobDatabase.Database, jobDatabase.Username).ShouldBe((nodeDatabase.Host, nodeDatabase.Database, nodeDatabase.Username));
    }

    [Fact]
    public void TheDatabase_IsAThreeInstanceCloudNativePgCluster_WithContinuousBackup_ThatTheNodesConnectTo()
    {
        var cluster = Objects().Single(o => o.Kind == "Cluster").Node;
        var name = Text(cluster, "metadata", "name")!;

        Text(cluster, "apiVersion").ShouldBe("postgresql.cnpg.io/v1");
        Int(cluster, "spec", "instances").ShouldBe(3);
        Text(cluster, "spec", "backup", "barmanObjectStore", "destinationPath").ShouldNotBeNullOrWhiteSpace();
        Get(cluster, "spec", "backup", "barmanObjectStore", "wal").ShouldNotBeNull("WAL archiving");
        Text(cluster, "spec", "backup", "retentionPolicy").ShouldNotBeNullOrWhiteSpace();
        foreach (var credential in new[] { "accessKeyId", "secretAccessKey" })
        {
            Text(cluster, "spec", "backup", "barmanObjectStore", "s3Credentials", credential, "name").ShouldBe("samverkan-backup-s3");
        }

        var backup = Objects().Single(o => o.Kind == "ScheduledBackup").Node;
        Text(backup, "spec", "cluster", "name").ShouldBe(name);
        Text(backup, "spec", "schedule")!.Split(' ').Length.ShouldBe(6, "CloudNativePG's schedule has a seconds field");

        // The operator makes the Services <name>-rw (the primary) and the Secret <name>-app (the owner's account).
        foreach (var (owner, container) in Containers().Where(c => Env(c.Container).ContainsKey("ConnectionStrings__Samverkan")))
        {
            var env = Env(container);
            var connection = new NpgsqlConnectionStringBuilder(Placeholders(Text(env["ConnectionStrings__Samverkan"], "value")!));
            connection.Host.ShouldBe(name + "-rw", owner);
            connection.Database.ShouldBe(Text(cluster, "spec", "bootstrap", "initdb", "database"), owner);
            connection.SslMode.ShouldBe(SslMode.Require, owner);
            env.Values.Select(v => Text(v, "valueFrom", "secretKeyRef", "name")).Where(s => s is not null).ShouldAllBe(s => s == name + "-app", owner);
        }
    }

    [Fact]
    public void EverySetting_TheManifestsAndTheComposeFilePass_IsOneTheHostBinds()
    {
        var problems = new List<string>();
        var helpers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (where, name, value) in PassedVariables())
        {
            if (name.Contains("__", StringComparison.Ordinal))
            {
                if (DeploySettings.Problem(DeploySettings.PathOf(name), value) is { } problem)
                {
                    problems.Add($"{where}: {problem}");
                }
            }
            else if (!DeploySettings.PlatformVariables.Contains(name))
            {
                helpers.Add(name);
            }
        }

        problems.ShouldBeEmpty();

        // Anything else is a helper for $(…) references (the database account, the pod's address), used in the same file.
        var references = Containers().SelectMany(c => Items(c.Container, "env"))
            .SelectMany(v => Regex.Matches(Text(v, "value") ?? "", @"\$\((\w+)\)").Select(m => m.Groups[1].Value))
            .ToHashSet();
        helpers.ShouldAllBe(h => references.Contains(h), "a variable the host does not read and nothing refers to");
        PassedVariables().Select(v => v.Name).ShouldContain("Samverkan__Identity__PseudonymSecret", "Production needs the pseudonym secret");
        PassedVariables().ShouldContain(v => v.Where == "Dockerfile" && v.Name == "Samverkan__Database__MigrateOnStart", "the Dockerfile's ENV is read");
    }

    [Theory]
    [InlineData("Samverkan:Silo:SiloPrt", "11111")]
    [InlineData("Samverkan:Databse:MigrateOnStart", "false")]
    [InlineData("Samverkan:Database:MigrateOnStart", "maybe")]
    [InlineData("Samverkan:Silo:SiloPort", "eleven")]
    [InlineData("Samverkan:Silo", "x")]
    [InlineData("ConnectionStrings:Samverkn", "Host=x")]
    [InlineData("Samverkan:Identity:PseudonymSecrets", "x")]
    [InlineData("Samverkan:Authentication:Development:Enabld", "true")]
    [InlineData("Samverkan:Unknown:Setting", "1")]
    public void TheSettingsCheck_RefusesMisspelledKeysAndValuesOfTheWrongType(string path, string value) =>
        DeploySettings.Problem(path, value).ShouldNotBeNull();

    [Theory]
    [InlineData("Samverkan:Silo:SiloPort", "11111")]
    [InlineData("samverkan:silo:advertisedaddress", "$(POD_IP)")]
    [InlineData("Samverkan:Silo:ProbeTimeout", "00:00:02")]
    [InlineData("Samverkan:Database:MigrateOnStart", "false")]
    [InlineData("ConnectionStrings:Samverkan", "Host=x")]
    [InlineData("Samverkan:Authentication:Development:Enabled", "true")]
    [InlineData("Samverkan:Authentication:AssuranceLevels:0", "http://id.elegnamnden.se/loa/1.0/loa3")]
    [InlineData("Samverkan:DevUsers:0:Name", "Olof")]
    [InlineData("Samverkan:Demo:Enabled", "false")]
    [InlineData("Samverkan:LocalPostgres:Port", "5433")]
    public void TheSettingsCheck_AcceptsTheHostsSettings(string path, string value) =>
        DeploySettings.Problem(path, value).ShouldBeNull();

    [Fact]
    public void EveryOptionsSection_OfTheHost_IsKnownToTheSettingsCheck()
    {
        var sections = new[] { typeof(SiloOptions).Assembly, typeof(Samverkan.Actors.Grains.ActorGrain).Assembly, typeof(Samverkan.Coordination.Cases.CaseWorkServiceCollectionExtensions).Assembly }
            .SelectMany(a => a.GetTypes())
            .Select(t => t.GetField("SectionName", BindingFlags.Public | BindingFlags.Static))
            .Where(f => f is { IsLiteral: true })
            .Select(f => (string)f!.GetRawConstantValue()!)
            .ToArray();

        sections.ShouldNotBeEmpty();
        sections.ShouldAllBe(s => DeploySettings.Sections.ContainsKey(s), "add the new section's options type to DeploySettings.Sections");
    }

    [Fact]
    public void TheCollector_ReceivesOtlp_RedactsAndBatchesEveryPipeline_AndTheNodesSendToIt()
    {
        var config = Load(Path.Combine(Deploy, "otel-collector.yaml")).Single();
        Get(config, "receivers", "otlp", "protocols", "grpc").ShouldNotBeNull();
        Get(config, "receivers", "otlp", "protocols", "http").ShouldNotBeNull();
        Get(config, "processors", "batch").ShouldNotBeNull();

        var pipelines = (YamlMappingNode)Get(config, "service", "pipelines")!;
        new[] { "traces", "metrics", "logs" }.ShouldAllBe(signal => pipelines.Children.ContainsKey(new YamlScalarNode(signal)));
        foreach (var (signal, pipeline) in pipelines.Children.Select(p => (Scalar(p.Key), p.Value)))
        {
            foreach (var part in new[] { "receivers", "processors", "exporters" })
            {
                foreach (var component in Items(pipeline, part).Select(Scalar))
                {
                    Get(config, part, component).ShouldNotBeNull($"{signal} uses {part} {component}, which is not defined");
                }
            }

            var processors = Items(pipeline, "processors").Select(Scalar).ToList();
            processors.ShouldContain("attributes/redaction", signal);
            processors[^1].ShouldBe("batch", signal);
        }

        // The collector drops every tag the host's RedactionProcessor drops, and masks what its pattern catches.
        var dropped = Items(config, "processors", "attributes/redaction", "actions")
            .Where(a => Text(a, "action") == "delete").Select(a => Text(a, "key")).Where(k => k is not null).ToHashSet();
        var hostDropped = (string[])typeof(TelemetryExtensions).Assembly.GetType("Samverkan.Host.Telemetry.RedactionProcessor")!
            .GetField("DroppedTags", BindingFlags.NonPublic | BindingFlags.Static)!.GetValue(null)!;
        hostDropped.ShouldAllBe(tag => dropped.Contains(tag));
        var blocked = Items(config, "processors", "redaction", "blocked_values").Select(v => new Regex(Scalar(v), RegexOptions.CultureInvariant)).ToArray();
        foreach (var sample in new[] { "c_zmkxo4xlvo7hcepqw75d", "/api/v1/children/c_zmkxo4xlvo7hcepqw75d", "201408152393", "20140815-2393", "140815-2393", "1408152393", "child/c_abc" })
        {
            blocked.ShouldContain(r => r.IsMatch(sample), sample);
        }

        foreach (var sample in new[] { "s-norrskolan", "/api/v1/children/{key}/overview", "abc_def", "2026-03-23" })
        {
            blocked.ShouldNotContain(r => r.IsMatch(sample), sample);
        }

        // The nodes export to the collector's Service, on a port it listens on.
        var endpoint = new Uri(ConfigMapData("samverkan")[TelemetryExtensions.OtlpEndpointVariable]);
        var collector = Single("Service", endpoint.Host);
        Items(collector, "spec", "ports").ShouldContain(p => Int(p, "port") == endpoint.Port);
        Text(Get(config, "receivers", "otlp", "protocols", "grpc")!, "endpoint")!.ShouldEndWith(":" + endpoint.Port.ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void TheComposeFile_RunsPostgresAMigrationAndTwoNodes_ThatStopWithinTheirGracePeriod()
    {
        var compose = Load(Path.Combine(Deploy, "compose.yaml")).Single();
        var services = (YamlMappingNode)Get(compose, "services")!;
        var migrate = Get(services, "migrate")!;
        Items(migrate, "command").Select(Scalar).ShouldBe([MigrateCommand.Verb]);
        foreach (var node in new[] { "node1", "node2" })
        {
            Get(services, node).ShouldNotBeNull(node);
        }

        var template = Get(compose, "x-node")!;
        var grace = TimeSpan.FromSeconds(int.Parse(Text(template, "stop_grace_period")!.TrimEnd('s'), CultureInfo.InvariantCulture));
        grace.ShouldBeGreaterThan(HostShutdownTimeout());
        Items(template, "healthcheck", "test").Select(Scalar).ShouldContain(s => s.Contains(HealthPaths.Ready, StringComparison.Ordinal));
        var environment = (YamlMappingNode)Get(template, "environment")!;
        Text(environment, "Samverkan__Database__MigrateOnStart").ShouldBe("false");
    }

    [Fact]
    public async Task TheProbePaths_AreTheHostsHealthEndpoints()
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: TestContext.Current.CancellationToken);
        await using var factory = new SamverkanHostFactory(database.ConnectionString);
        using var client = factory.CreateClient();
        var container = Container(Get(Single("Deployment", "samverkan"), "spec", "template", "spec")!, "samverkan");

        foreach (var probe in new[] { "readinessProbe", "livenessProbe", "startupProbe" })
        {
            var path = Text(container, probe, "httpGet", "path")!;
            var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{probe} {path}");
        }

        (await client.GetAsync("/health/nothing", TestContext.Current.CancellationToken)).StatusCode.ShouldNotBe(HttpStatusCode.OK, "a wrong path would fail");
    }

    [Fact]
    public async Task TheManifestsSettings_MigrateWithTheJob_AndStartAProductionNode_ThatBecomesReady()
    {
        // What the cluster fills in: the database account, the pod's address, the Secret's values. Everything else
        // is the manifests' own, except where this machine differs (the database server, ports, no collector).
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: TestContext.Current.CancellationToken);
        var testDatabase = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        var httpPort = FreePort.Next();
        var external = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [$"{DatabaseClusterName()}-app/username"] = testDatabase.Username!,
            [$"{DatabaseClusterName()}-app/password"] = testDatabase.Password!,
            ["samverkan-identity/Samverkan__Identity__PseudonymSecret"] = Convert.ToBase64String(new byte[48]),
            ["status.podIP"] = "127.0.0.1",
            ["metadata.name"] = "samverkan-test-0",
            ["spec.nodeName"] = "test-machine",
        };
        Dictionary<string, string?> Local(Dictionary<string, string> manifest)
        {
            var environment = manifest.ToDictionary(p => p.Key, p => (string?)p.Value, StringComparer.Ordinal);
            var connection = new NpgsqlConnectionStringBuilder(manifest["ConnectionStrings__Samverkan"])
            {
                Host = testDatabase.Host, Port = testDatabase.Port, Database = testDatabase.Database, SslMode = SslMode.Disable,
            };
            connection.Username.ShouldBe(testDatabase.Username, "the account comes from the database's Secret");
            environment["ConnectionStrings__Samverkan"] = connection.ConnectionString;
            environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{httpPort}";
            environment["Samverkan__Silo__SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture);
            environment["Samverkan__Silo__GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture);
            environment[TelemetryExtensions.OtlpEndpointVariable] = "";
            return environment;
        }

        var job = Items(Get(Single("Job", "samverkan-migrate"), "spec", "template", "spec"), "containers").Single();
        await using (var migrate = HostProcess.Start(Items(job, "args").Select(Scalar), Local(Environment(job, external))))
        {
            (await migrate.WaitForExitAsync(TimeSpan.FromMinutes(2))).ShouldBeTrue(migrate.Output);
            migrate.ExitCode.ShouldBe(0, migrate.Output);
        }

        var container = Container(Get(Single("Deployment", "samverkan"), "spec", "template", "spec")!, "samverkan");
        var settings = Local(Environment(container, external));
        settings["ASPNETCORE_ENVIRONMENT"].ShouldBe("Production");
        await using var node = HostProcess.Start([], settings);
        var ready = await node.WaitUntilOkAsync(
            $"http://127.0.0.1:{httpPort}{Text(container, "readinessProbe", "httpGet", "path")}", TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
        ready.ShouldBeTrue(node.Output);
        (await node.WaitUntilOkAsync($"http://127.0.0.1:{httpPort}{Text(container, "livenessProbe", "httpGet", "path")}", TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken))
            .ShouldBeTrue(node.Output);

        await node.SignalAsync("TERM");
        (await node.WaitForExitAsync(TimeSpan.FromSeconds(Int(Get(Single("Deployment", "samverkan"), "spec", "template", "spec"), "terminationGracePeriodSeconds"))))
            .ShouldBeTrue("the node stops within the grace period\n" + node.Output);
        node.ExitCode.ShouldBe(0, node.Output);
    }

    // ---- The files

    private sealed record KubeObject(string File, string Kind, string Name, YamlMappingNode Node)
    {
        public override string ToString() => $"{File}: {Kind}/{Name}";
    }

    private static class HealthPaths
    {
        public const string Ready = "/health/ready";
        public const string Live = "/health/live";
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Samverkan.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Samverkan.sln not found above " + AppContext.BaseDirectory);
    }

    private static string[] AllYamlFiles() =>
        [.. Directory.GetFiles(Deploy, "*.yaml", SearchOption.AllDirectories).Concat(Directory.GetFiles(Deploy, "*.yml", SearchOption.AllDirectories)).Order(StringComparer.Ordinal)];

    private static List<YamlNode> Load(string file)
    {
        using var reader = new StreamReader(file);
        var stream = new YamlStream();
        stream.Load(reader);
        return [.. stream.Documents.Select(d => d.RootNode)];
    }

    private static IEnumerable<KubeObject> Objects() =>
        Directory.GetFiles(Path.Combine(Deploy, "kubernetes"), "*.yaml", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != "kustomization.yaml")
            .SelectMany(f => Load(f).OfType<YamlMappingNode>().Select(n => new KubeObject(Path.GetRelativePath(Deploy, f), Text(n, "kind") ?? "", Text(n, "metadata", "name") ?? "", n)));

    private static YamlMappingNode Single(string kind, string name) => Objects().Single(o => o.Kind == kind && o.Name == name).Node;

    private static IEnumerable<(string Owner, YamlNode Container)> Containers() =>
        Objects().Where(o => o.Kind is "Deployment" or "Job" && !o.Name.StartsWith("otel", StringComparison.Ordinal))
            .SelectMany(o => Items(Get(o.Node, "spec", "template", "spec"), "containers").Select(c => (o.ToString(), c)));

    private static YamlNode Container(YamlNode pod, string name) => Items(pod, "containers").Single(c => Text(c, "name") == name);

    private static Dictionary<string, YamlNode> Env(YamlNode container) => Items(container, "env").ToDictionary(v => Text(v, "name")!, StringComparer.Ordinal);

    private static Dictionary<string, string> ConfigMapData(string name) =>
        ((YamlMappingNode)Get(Single("ConfigMap", name), "data")!).Children.ToDictionary(p => Scalar(p.Key), p => Scalar(p.Value), StringComparer.Ordinal);

    private static int HttpPort() => int.Parse(ConfigMapData("samverkan")["ASPNETCORE_HTTP_PORTS"], CultureInfo.InvariantCulture);

    private static string DatabaseClusterName() => Text(Objects().Single(o => o.Kind == "Cluster").Node, "metadata", "name")!;

    /// <summary>A named or numbered container port.</summary>
    private static int PortNumber(YamlNode container, string port) =>
        int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : Int(Items(container, "ports").Single(p => Text(p, "name") == port), "containerPort");

    /// <summary>Every environment variable the deployment passes: ConfigMaps, Secrets (examples), containers' env, compose.</summary>
    private static List<(string Where, string Name, string? Value)> PassedVariables()
    {
        var passed = new List<(string, string, string?)>();
        foreach (var o in Objects())
        {
            foreach (var field in new[] { "data", "stringData" })
            {
                if (o.Kind is "ConfigMap" or "Secret" && Get(o.Node, field) is YamlMappingNode data
                    && !(o.Kind == "Secret" && o.Name == "samverkan-backup-s3"))
                {
                    passed.AddRange(data.Children.Select(p => (o.ToString(), Scalar(p.Key), o.Kind == "ConfigMap" ? (string?)Scalar(p.Value) : null)));
                }
            }
        }

        foreach (var (owner, container) in Containers())
        {
            passed.AddRange(Items(container, "env").Select(v => (owner, Text(v, "name")!, Text(v, "value"))));
        }

        var compose = Load(Path.Combine(Deploy, "compose.yaml")).Single();
        foreach (var environment in Descendants(compose, "environment").OfType<YamlMappingNode>())
        {
            foreach (var (key, value) in environment.Children.Select(p => (Scalar(p.Key), p.Value)))
            {
                if (key != "<<" && !key.StartsWith("POSTGRES_", StringComparison.Ordinal))
                {
                    passed.Add(("compose.yaml", key, value is YamlScalarNode s ? s.Value : null));
                }
            }
        }

        // The image's own defaults (Dockerfile ENV, continuation lines joined).
        var dockerfile = File.ReadAllText(Path.Combine(Deploy, "Dockerfile")).Replace("\\\n", " ", StringComparison.Ordinal);
        foreach (var line in dockerfile.Split('\n').Where(l => l.StartsWith("ENV ", StringComparison.Ordinal)))
        {
            foreach (Match pair in Regex.Matches(line[4..], @"(\w+)=(""[^""]*""|\S+)"))
            {
                passed.Add(("Dockerfile", pair.Groups[1].Value, pair.Groups[2].Value.Trim('"')));
            }
        }

        return passed;
    }

    private static IEnumerable<YamlNode> Descendants(YamlNode node, string key) => node switch
    {
        YamlMappingNode mapping => mapping.Children.SelectMany(p =>
            (p.Key is YamlScalarNode { Value: var k } && k == key ? new[] { p.Value } : []).Concat(Descendants(p.Value, key))),
        YamlSequenceNode sequence => sequence.Children.SelectMany(c => Descendants(c, key)),
        _ => [],
    };

    /// <summary>
    /// A container's environment as Kubernetes builds it: its <c>envFrom</c> ConfigMaps and Secrets, then its <c>env</c>
    /// in order, <c>$(VAR)</c> expanded from what came before; <paramref name="external"/> gives what the cluster fills in
    /// (a Secret's key as <c>secret/key</c>, a field as its path).
    /// </summary>
    private static Dictionary<string, string> Environment(YamlNode container, Dictionary<string, string> external)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var from in Items(container, "envFrom"))
        {
            if (Text(from, "configMapRef", "name") is { } configMap)
            {
                foreach (var (key, value) in ConfigMapData(configMap))
                {
                    environment[key] = value;
                }
            }

            if (Text(from, "secretRef", "name") is { } secret)
            {
                var keys = (YamlMappingNode)Get(Single("Secret", secret), "stringData")!;
                foreach (var key in keys.Children.Keys.Select(Scalar))
                {
                    environment[key] = external[$"{secret}/{key}"];
                }
            }
        }

        foreach (var variable in Items(container, "env"))
        {
            var name = Text(variable, "name")!;
            environment[name] = Text(variable, "value") is { } value
                ? Regex.Replace(value, @"\$\((\w+)\)", m => environment[m.Groups[1].Value])
                : Text(variable, "valueFrom", "fieldRef", "fieldPath") is { } field
                    ? external[field]
                    : external[$"{Text(variable, "valueFrom", "secretKeyRef", "name")}/{Text(variable, "valueFrom", "secretKeyRef", "key")}"];
        }

        return environment;
    }

    private static string Placeholders(string value) => Regex.Replace(value, @"\$\((\w+)\)", "placeholder");

    private static TimeSpan HostShutdownTimeout()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.AddSamverkanDefaults();
        using var services = builder.Services.BuildServiceProvider();
        return services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;
    }

    private static T Constant<T>(Type type, string name) =>
        (T)(type.GetField(name, BindingFlags.NonPublic | BindingFlags.Static)
            ?? throw new ShouldAssertException($"{type.Name}.{name} is gone: check the grace period against the silo's new stop budget, then update this test"))
            .GetValue(null)!;

    // ---- YAML helpers

    private static YamlNode? Get(YamlNode? node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(key), out node))
            {
                return null;
            }
        }

        return node;
    }

    private static string? Text(YamlNode? node, params string[] path) => Get(node, path) is YamlScalarNode scalar ? scalar.Value : null;

    private static int Int(YamlNode? node, params string[] path) =>
        int.Parse(Text(node, path) ?? throw new ShouldAssertException($"{string.Join('.', path)} is missing"), CultureInfo.InvariantCulture);

    private static IEnumerable<YamlNode> Items(YamlNode? node, params string[] path) =>
        Get(node, path) is YamlSequenceNode sequence ? sequence.Children : [];

    private static string Scalar(YamlNode node) => ((YamlScalarNode)node).Value ?? "";

    private static HashSet<(string, string)> Labels(YamlNode? node) =>
        node is YamlMappingNode mapping ? [.. mapping.Children.Select(p => (Scalar(p.Key), Scalar(p.Value)))] : [];
}
