package seq.compiler.layers;

import java.util.List;

/** Keras `LSTM`. Gate order in the kernel's columns is Keras's: input, forget, cell, output. */
public final class LSTM extends Recurrent {
    @Override public String name() { return "LSTM"; }
    @Override protected List<String> gates() { return List.of("input", "forget", "cell", "output"); }
    @Override protected List<Param> extraParams() { return List.of(Param.of("unit_forget_bias", Param.Kind.BOOL, true)); }
}
