package seq.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import seq.runtime.io.NdArray;
import seq.runtime.io.Npz;

/** The data shipped in examples/data is exactly what the committed generator makes. */
class ExampleDataTest {
    @Test
    void shippedFilesMatchTheGenerator() {
        for (Map.Entry<String, NdArray[]> e : ExampleData.shipped().entrySet()) {
            Map<String, NdArray> file = Npz.read(Path.of("data", e.getKey() + ".npz"));
            assertEquals(e.getValue()[0], file.get("x"), e.getKey() + " x; regenerate with ExampleData.main");
            assertEquals(e.getValue()[1], file.get("y"), e.getKey() + " y; regenerate with ExampleData.main");
        }
    }
}
