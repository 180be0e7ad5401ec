package io.outflux.launch;

import io.outflux.batch.FlushRequest;
import io.outflux.cli.Cli;
import io.outflux.cli.Io;
import io.outflux.cli.RunCommand;
import io.outflux.client.ClientBus;
import io.outflux.config.ConfigException;
import io.outflux.config.ConfigSource;
import io.outflux.metrics.Metrics;
import io.outflux.server.ServerBus;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.VerticleFactory;
import io.vertx.launcher.application.HookContext;
import io.vertx.launcher.application.VertxApplication;
import io.vertx.launcher.application.VertxApplicationHooks;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The jar's entry point: the Vert.x launcher ({@code java -jar outflux.jar <verticle> -conf FILE
 * [-cluster] ...}) with outflux's short verticle names and a config check that fails fast, naming
 * the file and the key, with exit code {@value #EXIT_CONFIG}.
 */
public final class Main extends VertxApplication implements VertxApplicationHooks {

  public static final int EXIT_CONFIG = 2;
  /** How long a stopping client waits for its last flush to be acknowledged. */
  static final Duration SHUTDOWN_FLUSH_TIMEOUT = Duration.ofSeconds(10);
  /** Above the largest {@code http.drainTimeout}: the front bounds its own drain. */
  static final Duration SERVER_DRAIN_LIMIT = Duration.ofMinutes(11);
  public static final String HAZELCAST_CONFIG_PROPERTY = "vertx.hazelcast.config";
  /** Set by {@code --debug}: start-up failures keep their stack trace. */
  public static final String DEBUG_PROPERTY = "outflux.debug";
  private static volatile boolean launched;

  private final String confSource;

  private Main(String[] args, String confSource) {
    super(args);
    this.confSource = confSource;
  }

  public static void main(String[] args) {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    if (args.length == 0 || Cli.handles(args[0])) {
      int status = Cli.execute(List.of(args.length == 0 ? new String[] {"--help"} : args), Io.system(), Main::launch);
      if (!launched) {
        System.exit(args.length == 0 ? Cli.EXIT_USAGE : status);
      }
      return; // the launcher started Vert.x: its threads keep the JVM running
    }
    // java -jar outflux.jar <verticle name or class> -conf FILE ...: the Vert.x launcher's own command line
    start(args);
  }

  /** {@code outflux server|client}: the picocli command hands over here. */
  private static boolean launch(RunCommand.Request request) {
    if (request.debug()) {
      System.setProperty(DEBUG_PROPERTY, "true");
      ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
          .setLevel(ch.qos.logback.classic.Level.DEBUG);
    }
    start(request.argv().toArray(String[]::new));
    launched = true;
    return true;
  }

  /** Checks the config, then runs the launcher, which exits the JVM itself when the start fails. */
  private static void start(String[] args) {
    useClusterConfig(List.of(args));
    LaunchArgs launch = LaunchArgs.parse(List.of(args));
    String source = launch.conf().map(Main::sourceName).orElse(ConfigSource.INLINE);
    if (!launch.help()) {
      try {
        precheck(launch).forEach(w -> System.err.println("outflux: warning: " + w));
      } catch (ConfigException e) {
        System.err.println("outflux: config error: " + e.getMessage());
        System.exit(EXIT_CONFIG);
      } catch (io.outflux.spool.CheckpointStore.DamagedException e) {
        System.err.println("outflux: cannot start the client: " + e.getMessage());
        System.exit(EXIT_CONFIG);
      }
    }
    new Main(args, source).launch();
  }

  /**
   * With {@code -cluster}, Hazelcast reads {@value #HAZELCAST_CONFIG_PROPERTY}; when nobody set it,
   * use ./conf/cluster.xml if there is one (bin/outflux sets it to the conf/ next to the script).
   */
  private static void useClusterConfig(List<String> args) {
    if (!args.contains("-cluster") && !args.contains("--cluster")) {
      return;
    }
    System.setProperty("hazelcast.logging.type", System.getProperty("hazelcast.logging.type", "slf4j"));
    if (System.getProperty(HAZELCAST_CONFIG_PROPERTY) == null) {
      Path local = Path.of("conf", "cluster.xml");
      if (Files.isRegularFile(local)) {
        System.setProperty(HAZELCAST_CONFIG_PROPERTY, local.toAbsolutePath().toString());
      }
    }
  }

  /** Validates the config exactly as the verticle will, and its files, before any thread or port is opened. */
  private static List<String> precheck(LaunchArgs launch) {
    var role = launch.verticle().flatMap(Roles::find);
    if (role.isEmpty()) {
      return List.of();
    }
    JsonObject config = launch.conf().map(Main::readConf).orElseGet(JsonObject::new);
    return Precheck.run(role.get(), config, System.getenv());
  }

  private static JsonObject readConf(String value) {
    if (value.trim().startsWith("{")) {
      try {
        return new JsonObject(value).put(ConfigSource.SOURCE_KEY, "-conf argument");
      } catch (DecodeException e) {
        throw new ConfigException("-conf argument", "not a valid JSON object: " + ConfigSource.jsonProblem(e));
      }
    }
    return ConfigSource.readFile(Path.of(value));
  }

  private static String sourceName(String value) {
    return value.trim().startsWith("{") ? "-conf argument" : value;
  }

  @Override
  public JsonObject afterConfigParsed(JsonObject config) {
    return config == null ? null : config.put(ConfigSource.SOURCE_KEY, confSource);
  }

  /** Vert.x's own meters (HTTP server and client, event bus, pools, JVM) go to outflux's registry. */
  @Override
  public VertxBuilder createVertxBuilder(VertxOptions options) {
    options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true));
    return Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(Metrics.registry()));
  }

  @Override
  public void afterVertxStarted(HookContext context) {
    context.vertx().registerVerticleFactory(new OutfluxVerticleFactory());
  }

  /**
   * SIGTERM (the launcher's shutdown hook closes Vert.x): before the pipeline is undeployed, a client
   * sends what it has read and waits, bounded, for the server's acknowledgement, so a service stop
   * leaves nothing behind that could have been synced. Runs on the shutdown thread, never on an event
   * loop, so waiting here is allowed.
   */
  @Override
  public void beforeStoppingVertx(HookContext context) {
    if (context.mainVerticle() == null || context.deploymentId() == null) {
      return;
    }
    var role = Roles.find(VerticleFactory.removePrefix(context.mainVerticle()));
    if (role.filter(r -> r == Roles.CLIENT).isPresent()) {
      flushClient(context);
    } else if (role.filter(r -> r == Roles.SERVER).isPresent()) {
      drainServer(context);
    }
  }

  /**
   * SIGTERM on a server node: stop accepting and finish what is in flight (bounded by
   * {@code http.drainTimeout}) while the writer and the cluster are still up; Vert.x then undeploys
   * and leaves the cluster, which hands this node's share of the cluster maps to the others.
   */
  private static void drainServer(HookContext context) {
    try {
      JsonObject reply = context.vertx().eventBus()
          .<JsonObject>request(ServerBus.DRAIN, new JsonObject(),
              new DeliveryOptions().setLocalOnly(true).setSendTimeout(SERVER_DRAIN_LIMIT.toMillis()))
          .toCompletionStage().toCompletableFuture().get(SERVER_DRAIN_LIMIT.toMillis() + 1000, TimeUnit.MILLISECONDS)
          .body();
      System.err.println("outflux: stopping: in-flight batches " + (reply.getBoolean("complete", false)
          ? "finished" : "cut at http.drainTimeout (their clients resend them)") + " in " + reply.getLong("millis")
          + " ms, " + reply.getInteger("streams") + " streams closed"
          + (context.vertx().isClustered() ? "; leaving the cluster" : ""));
    } catch (Exception e) {
      String why = e.getCause() != null ? e.getCause().getMessage() : e.toString();
      System.err.println("outflux: stopping without draining (" + why + ")");
    }
  }

  @Override
  public void afterVertxStopped(HookContext context) {
    if (context.mainVerticle() != null && Roles.find(VerticleFactory.removePrefix(context.mainVerticle()))
        .filter(r -> r == Roles.SERVER).isPresent()) {
      // the node's own count: InfluxDB overwrites a point written twice silently, only this shows it
      double written = io.outflux.metrics.Metrics.registry().find("outflux_server_lines_written").counters().stream()
          .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
      System.err.println("outflux: server stopped (" + (long) written + " lines written since it started)");
    }
  }

  /** Tells the server the client stops (the fleet view shows "stopped"), bounded by the sender's own timeout. */
  private static void goodbye(HookContext context) {
    try {
      context.vertx().eventBus().request(ClientBus.GOODBYE, null,
              new DeliveryOptions().setLocalOnly(true).setSendTimeout(io.outflux.transport.HttpBatchSender.GOODBYE_TIMEOUT_MS
                  + 1000))
          .toCompletionStage().toCompletableFuture().get(io.outflux.transport.HttpBatchSender.GOODBYE_TIMEOUT_MS + 2000,
              TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // the server then sees silence: the fleet view shows the client quiet, then stale
    }
  }

  private static void flushClient(HookContext context) {
    Duration timeout = SHUTDOWN_FLUSH_TIMEOUT;
    try {
      JsonObject reply = context.vertx().eventBus()
          .<JsonObject>request(ClientBus.FLUSH, FlushRequest.of(timeout),
              new DeliveryOptions().setLocalOnly(true).setSendTimeout(timeout.toMillis() + 1000))
          .toCompletionStage().toCompletableFuture().get(timeout.toMillis() + 2000, TimeUnit.MILLISECONDS).body();
      System.err.println("outflux: stopping: flushed " + reply.getLong(FlushRequest.LINES, 0L)
          + " lines; the checkpoint is on disk");
      goodbye(context);
    } catch (Exception e) {
      String why = e.getCause() != null ? e.getCause().getMessage() : e.toString();
      System.err.println("outflux: stopping without a complete flush (" + why
          + "); what is left stays in the spool and is sent after the next start");
    }
  }

  @Override
  public void afterFailureToDeployVerticle(HookContext context, Throwable t) {
    var role = context.mainVerticle() == null ? java.util.Optional.<Roles>empty()
        : Roles.find(VerticleFactory.removePrefix(context.mainVerticle()));
    JsonObject config = context.deploymentOptions() == null ? null : context.deploymentOptions().getConfig();
    if (role.isEmpty()) {
      System.err.println("outflux: could not start " + context.mainVerticle() + ": " + (t == null ? "timed out"
          : t.getMessage()));
    } else {
      System.err.println(StartFailure.describe(role, config, t));
    }
    context.vertx().close();
  }

  @Override
  public void afterFailureToStartVertx(HookContext context, Throwable t) {
    String why = t == null ? "timed out" : String.valueOf(t.getMessage());
    System.err.println("outflux: could not start Vert.x: " + io.outflux.metrics.Human.snippet(why, 500) + " (with --cluster: check the member list in the Hazelcast config, docs/cluster.md; --debug prints the stack trace)");
  }
}
