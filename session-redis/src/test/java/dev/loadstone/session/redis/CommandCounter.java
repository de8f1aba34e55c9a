package dev.loadstone.session.redis;

import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.event.command.CommandStartedEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Counts the commands a store sends (each is one round trip: the store never pipelines). */
final class CommandCounter implements CommandListener {
  final List<String> commands = new CopyOnWriteArrayList<>();

  @Override
  public void commandStarted(CommandStartedEvent event) {
    commands.add(event.getCommand().getType().toString());
  }

  /** Runs {@code action} and returns the commands it sent. */
  List<String> during(Runnable action) {
    int before = commands.size();
    action.run();
    return List.copyOf(commands.subList(before, commands.size()));
  }
}
