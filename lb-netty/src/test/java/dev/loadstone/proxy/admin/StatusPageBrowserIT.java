package dev.loadstone.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import dev.loadstone.lb.AdminState;
import dev.loadstone.lb.BackendPool;
import dev.loadstone.proxy.ProxyConfig;
import dev.loadstone.proxy.ProxyConfigBuilder;
import dev.loadstone.proxy.ProxyServer;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The status page in a real browser (Debian's headless Chromium through chromedriver): a click on Drain changes
 * the backend's state through the admin API, past its Origin and Content-Type checks, with and without a
 * token, and the page runs under its Content-Security-Policy without a violation. Fails (never skips) when the
 * browser is missing: {@code .ci/run} installs {@code chromium} and {@code chromium-driver}.
 */
class StatusPageBrowserIT {
  private static final String CHROMIUM = "/usr/bin/chromium";
  private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  private final List<Origin> origins = new ArrayList<>();
  private ProxyOperations ops;
  private ProxyServer proxy;
  private WebDriver browser;
  private ChromeDriverService service;

  @BeforeEach
  void browser() throws Exception {
    for (String exe : new String[] {CHROMIUM, CHROMEDRIVER}) {
      if (!Files.isExecutable(Path.of(exe))) {
        fail(exe + " is missing: install Debian's chromium and chromium-driver (apt-get install chromium chromium-driver;"
            + " .ci/run does)");
      }
    }
    Path profile = Files.createTempDirectory(Path.of("target"), "chromium-profile");
    ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM).addArguments("--headless=new", "--no-sandbox",
        "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-dev-shm-usage", "--user-data-dir=" + profile.toAbsolutePath());
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
    browser = new ChromeDriver(service, options);
  }

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (service != null) {
      service.stop();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (ops != null) {
      ops.close();
    }
    origins.forEach(Origin::close);
  }

  private void startProxy(AdminToken token) throws Exception {
    ProxyConfigBuilder cfg = ProxyConfig.builder().listen("127.0.0.1:0").admin(new InetSocketAddress("127.0.0.1", 0));
    for (String id : new String[] {"b1", "b2"}) {
      Origin o = new Origin(id);
      origins.add(o);
      cfg.addBackend(o.address() + ",id=" + id);
    }
    ProxyConfig config = cfg.build();
    BackendPool pool = ProxyServer.newPool(config);
    ops = ProxyOperations.create(pool, config, token);
    ops.bindAdmin();
    proxy = ProxyServer.builder(config).pool(pool).listener(ops.listener()).eventLoopThreads(1).start();
    ops.describe("round-robin", List.of("proxy http://127.0.0.1:" + proxy.localAddress().getPort()));
    ops.start();
    ops.serving(true);
  }

  /** Waits until the page shows what {@code shown} checks (the page redraws every 2 s, so an element may be replaced). */
  private void waitFor(java.util.function.Predicate<WebDriver> shown) {
    await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> shown.test(browser));
  }

  private String stateShown(String id) {
    return browser.findElement(By.cssSelector("tr[data-backend='" + id + "'] td[data-state]")).getText();
  }

  private void openAndClickDrain() {
    browser.get("http://127.0.0.1:" + ops.adminAddress().getPort() + "/");
    waitFor(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-loaded")));
    assertThat(stateShown("b1")).isEqualTo("ACTIVE");
    assertThat(browser.findElement(By.id("summary")).getText()).contains("round-robin", "2 of 2 backends available");
    assertThat(browser.findElement(By.id("scaling")).getText()).isEqualTo("Scaling advisor: off (no scaling: section in the configuration).");
    browser.findElement(By.cssSelector("button[data-backend='b1'][data-action='drain']")).click();
  }

  @Test
  void clickingDrainDrainsTheBackendAndThePageShowsIt() throws Exception {
    startProxy(null);
    openAndClickDrain();
    waitFor(d -> stateShown("b1").equals("DRAINING"));
    assertThat(ops.pool().snapshot().get("b1").adminState()).isEqualTo(AdminState.DRAINING);
    assertThat(ops.pool().snapshot().get("b2").adminState()).isEqualTo(AdminState.ACTIVE);
    browser.findElement(By.cssSelector("button[data-backend='b1'][data-action='enable']")).click();
    waitFor(d -> stateShown("b1").equals("ACTIVE"));
    assertThat(ops.pool().snapshot().get("b1").adminState()).isEqualTo(AdminState.ACTIVE);
    assertThat(browser.findElements(By.cssSelector("tr[data-backend='b1'] svg"))).as("the two charts").hasSize(2);
    List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).collect(Collectors.toList());
    assertThat(errors).as("console errors (a CSP violation would be one)").isEmpty();
  }

  @Test
  void withATokenTheClickAsksForItOnceAndThenDrains() throws Exception {
    String token = "browser-test-token-0123456789";
    startProxy(AdminToken.of(token));
    openAndClickDrain();
    waitFor(d -> d.findElement(By.id("auth")).isDisplayed());
    assertThat(ops.pool().snapshot().get("b1").adminState()).as("refused without the token").isEqualTo(AdminState.ACTIVE);
    browser.findElement(By.id("token")).sendKeys(token);
    browser.findElement(By.id("save")).click();
    waitFor(d -> stateShown("b1").equals("DRAINING"));
    assertThat(ops.pool().snapshot().get("b1").adminState()).isEqualTo(AdminState.DRAINING);
  }
}
