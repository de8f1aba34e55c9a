package dev.loadstone.bench.session;

import dev.loadstone.session.BlockingSessionStore;
import dev.loadstone.session.Session;
import dev.loadstone.session.SessionFactory;
import dev.loadstone.session.testing.RedisServerProcess;
import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.event.command.CommandStartedEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Prints the exact Redis commands (= round trips) of one request per scenario and store, measured with a Lettuce
 * command listener against a local redis-server: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.loadstone.bench.session.SessionRoundTrips}.
 */
public final class SessionRoundTrips {
  private SessionRoundTrips() {}

  public static void main(String[] args) throws Exception {
    try (RedisServerProcess redis = LocalRedis.start()) {
      System.out.printf("%-32s %-22s %s%n", "store", "request", "commands");
      for (StoreType type : StoreType.values()) {
        if (!type.needsRedis()) {
          continue;
        }
        List<String> seen = new CopyOnWriteArrayList<>();
        CommandListener listener = new CommandListener() {
          @Override
          public void commandStarted(CommandStartedEvent event) {
            seen.add(event.getCommand().getType().toString());
          }
        };
        try (BlockingSessionStore store = BlockingSessionStore.of(type.create(SessionFactory.defaults(), redis.uri(), listener))) {
          Session s = store.create();
          s.setAttribute("user", "alice");
          store.save(s);
          for (int i = 0; i < 3; i++) { // connect, load scripts, warm the near-cache
            Session w = store.load(s.id()).orElseThrow();
            w.setAttribute("warm", i);
            store.save(w);
            store.save(store.load(s.id()).orElseThrow());
          }
          store.load(s.id());
          report(type, "read-only", seen, () -> {
            Session r = store.load(s.id()).orElseThrow();
            r.getAttribute("user");
            store.save(r);
          });
          report(type, "change one attribute", seen, () -> {
            Session r = store.load(s.id()).orElseThrow();
            r.setAttribute("n", 1);
            store.save(r);
          });
          report(type, "new session", seen, () -> {
            Session r = store.create();
            r.setAttribute("user", "bob");
            store.save(r);
          });
        }
      }
    }
  }

  private static void report(StoreType type, String request, List<String> seen, Runnable action) {
    int before = seen.size();
    action.run();
    List<String> commands = List.copyOf(seen.subList(before, seen.size()));
    System.out.printf("%-32s %-22s %d %s%n", type, request, commands.size(), commands);
  }
}
