package dev.loadstone.proxy.admin;

import java.util.concurrent.CountDownLatch;

/** {@link Origin} as its own process (for tests that kill a backend process): prints {@code port N}, then serves until killed. */
public final class OriginMain {
  private OriginMain() {}

  public static void main(String[] args) throws Exception {
    Origin o = new Origin(args[0]);
    System.out.println("port " + o.port());
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
