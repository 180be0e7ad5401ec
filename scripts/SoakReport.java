import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Per test, how often it failed over the runs of scripts/soak.sh: reads every run-N/surefire-reports and
 * run-N/failsafe-reports TEST-*.xml under the directory given. Run with the JDK's single-file launcher:
 * {@code java scripts/SoakReport.java /tmp/outflux-soak-xyz}.
 */
public final class SoakReport {

  private record Tally(int runs, int failures, List<String> firstLines) {
  }

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    Map<String, Tally> tests = new TreeMap<>();
    List<Path> runs;
    try (Stream<Path> s = Files.list(out)) {
      runs = s.filter(p -> p.getFileName().toString().matches("run-\\d+")).sorted().toList();
    }
    for (Path run : runs) {
      for (String kind : List.of("surefire-reports", "failsafe-reports")) {
        Path reports = run.resolve(kind);
        if (!Files.isDirectory(reports)) {
          continue;
        }
        try (Stream<Path> files = Files.list(reports)) {
          for (Path xml : files.filter(f -> f.getFileName().toString().matches("TEST-.*\\.xml")).sorted().toList()) {
            read(xml, run.getFileName().toString(), tests);
          }
        }
      }
    }
    long failing = tests.values().stream().filter(t -> t.failures() > 0).count();
    System.out.println(tests.size() + " tests seen over " + runs.size() + " run(s); " + failing + " failed at least once"
        + (failing == 0 ? "" : ":"));
    tests.entrySet().stream().filter(e -> e.getValue().failures() > 0)
        .sorted((a, b) -> b.getValue().failures() - a.getValue().failures())
        .forEach(e -> {
          Tally t = e.getValue();
          System.out.println("  " + t.failures() + " of " + t.runs() + "  " + e.getKey());
          t.firstLines().forEach(line -> System.out.println("        " + line));
        });
  }

  private static void read(Path xml, String run, Map<String, Tally> tests) throws Exception {
    Element suite;
    try {
      suite = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile()).getDocumentElement();
    } catch (IOException | org.xml.sax.SAXException e) {
      System.out.println("  (unreadable report " + xml + ": " + e.getMessage() + ")");
      return;
    }
    NodeList cases = suite.getElementsByTagName("testcase");
    for (int i = 0; i < cases.getLength(); i++) {
      Element c = (Element) cases.item(i);
      if (c.getElementsByTagName("skipped").getLength() > 0) {
        continue;
      }
      String key = c.getAttribute("classname") + "#" + c.getAttribute("name");
      Element problem = first(c, "failure", "error");
      Tally before = tests.getOrDefault(key, new Tally(0, 0, List.of()));
      List<String> lines = new ArrayList<>(before.firstLines());
      if (problem != null && lines.size() < 3) {
        String message = problem.getAttribute("message");
        String firstLine = (message.isBlank() ? problem.getAttribute("type") : message).lines().findFirst().orElse("");
        lines.add(run + ": " + (firstLine.length() > 200 ? firstLine.substring(0, 200) + "..." : firstLine));
      }
      tests.put(key, new Tally(before.runs() + 1, before.failures() + (problem == null ? 0 : 1), lines));
    }
  }

  private static Element first(Element testcase, String... names) {
    for (String name : names) {
      NodeList found = testcase.getElementsByTagName(name);
      if (found.getLength() > 0) {
        return (Element) found.item(0);
      }
    }
    return null;
  }
}
