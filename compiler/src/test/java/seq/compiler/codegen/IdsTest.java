package seq.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.io.OutputStream;
import org.junit.jupiter.api.Test;
import seq.compiler.Backend;
import seq.compiler.Sources;
import seq.compiler.check.CheckedModel;
import seq.compiler.codegen.asm.Emitter;
import seq.compiler.pack.TrainerJar;
import seq.runtime.UserError;
import seq.runtime.io.NdArray;
import seq.runtime.train.ModelInfo;
import seq.runtime.train.Session;
import seq.runtime.train.Trainer;

/** Token ids are checked against the Embedding's input_dim before anything runs, not read past its table. */
class IdsTest {
    @Test
    void idsOutsideTheEmbeddingAreOneClearError() throws Exception {
        CheckedModel model = Sources.compile("model E(x: i32[batch, T]) -> [batch, 2] {\n  Embedding(10, 4)\n  LSTM(3)\n  Dense(2)\n}\n")
            .models().get(0);
        Backend.Result r = Backend.compile(model, "seq/gen/Ids", Emitter.Precision.F32, null);
        ModelInfo info = TrainerJar.describe(model, r);
        assertEquals(10, info.buffers().get(info.inputs().get(0)).idLimit());
        ModelInfo again = ModelInfo.read(new java.io.ByteArrayInputStream(info.write().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertEquals(info, again);
        Session session = new Session(info, Harness.net32(r));
        session.initialize(1);
        Trainer trainer = new Trainer(session, new PrintStream(OutputStream.nullOutputStream()));
        float[] ids = {1, 2, 3, 9, 0, 4};
        assertEquals(2 * 2, trainer.predict(NdArray.ofFloats(new long[] {2, 3}, ids), 2).floats().length);
        ids[4] = 10;
        UserError e = assertThrows(UserError.class, () -> trainer.predict(NdArray.ofFloats(new long[] {2, 3}, ids.clone()), 2));
        assertTrue(e.getMessage().contains("id 10 at position 4") && e.getMessage().contains("below 10"), e.getMessage());
    }
}
