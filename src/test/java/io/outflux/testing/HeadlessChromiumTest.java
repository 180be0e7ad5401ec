package io.outflux.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class HeadlessChromiumTest {

  @Test
  void aMissingBrowserFailsWithHowToInstallIt() {
    Vertx vertx = Vertx.vertx();
    try {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> HeadlessChromium.start(vertx, Path.of("/nonexistent/chromium"), 800, 600));
      assertTrue(e.getMessage().contains("apt-get install -y chromium"), e.getMessage());
    } finally {
      vertx.close();
    }
  }
}
