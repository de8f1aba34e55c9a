package dev.loadstone.demo;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar demo/target/loadstone-demo.jar}: the proxy in front of three apps that share sessions. */
@Command(
    name = "loadstone-demo",
    mixinStandardHelpOptions = true,
    version = "loadstone-demo 0.1.0",
    description = "Starts three servlet applications (Jetty) that share sessions through SessionFilter, and the "
        + "Loadstone proxy in front of them with active health checks and its admin API.")
public final class DemoMain implements Callable<Integer> {

  @Option(names = "--proxy-port", paramLabel = "PORT", description = "Proxy port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
  int proxyPort = 8080;

  @Option(names = "--admin-port", paramLabel = "PORT", description = "Admin API port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
  int adminPort = 9090;

  @Option(names = "--app-ports", paramLabel = "P1,P2,P3", split = ",",
      description = "Ports of the three applications on 127.0.0.1 (default: 8081,8082,8083).")
  List<Integer> appPorts = List.of(8081, 8082, 8083);

  @Option(names = "--redis", paramLabel = "URL",
      description = "Redis for sessions, e.g. redis://127.0.0.1:6379 (default: the REDIS_URL environment variable, else none).")
  String redis;

  @Option(names = "--store", paramLabel = "KIND",
      description = "Session store: token, redis or memory (default: redis when a Redis URL is given, else token). "
          + "memory keeps each app's sessions to itself, to show what breaks without shared sessions.")
  String store;

  @Option(names = "--tls", description = "Serve the proxy over HTTPS with a self-signed certificate made at start (curl -k).")
  boolean tls;

  private final PrintWriter out;
  private final boolean block;
  Demo demo;

  public DemoMain() {
    this(new PrintWriter(System.out, true), true);
  }

  DemoMain(PrintWriter out, boolean block) {
    this.out = out;
    this.block = block;
  }

  public static void main(String[] args) {
    System.exit(run(args, new DemoMain(), System.getenv("REDIS_URL")));
  }

  static int run(String[] args, DemoMain main, String redisFromEnvironment) {
    CommandLine cl = new CommandLine(main);
    cl.setOut(main.out);
    cl.setParameterExceptionHandler((ex, a) -> {
      cl.getErr().println("loadstone-demo: " + ex.getMessage() + " (see --help)");
      return 2;
    });
    cl.setExecutionExceptionHandler((ex, c, r) -> {
      c.getErr().println("loadstone-demo: " + ex.getMessage());
      return 1;
    });
    main.redisFromEnvironment = redisFromEnvironment;
    return cl.execute(args);
  }

  private String redisFromEnvironment;

  Demo.Settings settings() {
    String redisUri = redis != null ? redis : (redisFromEnvironment == null || redisFromEnvironment.isBlank()
        ? null : redisFromEnvironment.strip());
    StoreKind kind;
    if (store == null) {
      kind = redisUri != null ? StoreKind.REDIS : StoreKind.TOKEN;
    } else {
      try {
        kind = StoreKind.valueOf(store.strip().toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--store: '" + store + "' (expected: token, redis or memory)", e);
      }
    }
    return new Demo.Settings("127.0.0.1", proxyPort, adminPort, appPorts, kind, redisUri, tls);
  }

  @Override
  public Integer call() throws Exception {
    demo = Demo.start(settings());
    for (String line : demo.urls()) {
      out.println(line);
    }
    out.flush();
    if (!block) {
      return 0;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      demo.close();
      stopped.countDown();
    }, "demo-shutdown"));
    stopped.await();
    return 0;
  }
}
