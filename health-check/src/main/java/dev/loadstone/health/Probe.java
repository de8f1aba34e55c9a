package dev.loadstone.health;

import dev.loadstone.lb.Backend;
import io.netty.channel.EventLoop;
import java.util.function.Consumer;

/** One kind of active check. Runs on the given event loop and calls {@code done} exactly once, on it. */
interface Probe {
  void check(Backend backend, EventLoop loop, Consumer<CheckResult> done);
}
