package seq.compiler.ir;

import java.util.List;
import seq.compiler.codegen.loops.Loop;
import seq.compiler.diag.Span;
import seq.compiler.types.Size;

/**
 * An operation of the IR. Each op is the one place for its semantics: its kernel in the loop
 * language (which the code generator emits as bytecode) and, for forward ops, its vector-Jacobian
 * product as further ops. Backward ops add into their outputs, so gradients from several consumers
 * of one value sum without extra bookkeeping.
 */
public interface Op {
    /** The layer this op came from, so a late problem can still point at the user's line. */
    Span span();

    List<Value> inputs();

    List<Value> outputs();

    /** The kernel's array arguments, in the order of its parameters. */
    List<Value> arrays();

    /** The kernel's integer arguments (sizes), following the arrays. */
    List<Size> ints();

    /** The kernel itself, named {@code name}. */
    Loop.Kernel kernel(String name);

    /** Ops that add this op's input gradients into {@code grads}; empty for backward ops. */
    default List<Op> vjp(Grads grads) { return List.of(); }

    /** The kernel op this op stands for: itself, or the one a wrapper (an element-wise map, a convolution) builds; or null. */
    default KernelOp asKernel() { return this instanceof KernelOp k ? k : null; }

    /**
     * This op as a data-parallel kernel ({@link KernelOp#parallel}) whose iterations the JVM may run on
     * several threads, or null.
     */
    default KernelOp threadSplit() { return null; }

    /** One line for `--dump-ir`. */
    String show();
}
