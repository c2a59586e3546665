package seq.compiler.codegen.asm;

import static org.objectweb.asm.Opcodes.*;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import seq.compiler.codegen.loops.Gemm;
import seq.compiler.codegen.loops.Loop;
import seq.compiler.codegen.loops.RowOps;
import seq.compiler.codegen.loops.Loop.Expr;
import seq.compiler.codegen.loops.Loop.Stmt;
import seq.compiler.codegen.loops.Loop.Type;

/**
 * Loop-language kernels to JVM bytecode with ASM, in float32 or float64. Every local gets an entry
 * in the LocalVariableTable (Aparapi reads it, and debuggers show real names).
 */
public final class Emitter {
    public enum Precision {
        F32("F", "[F", "[[F"), F64("D", "[D", "[[D");

        final String real, array, arrays;

        Precision(String real, String array, String arrays) {
            this.real = real;
            this.array = array;
            this.arrays = arrays;
        }
    }

    private final Precision p;

    public Emitter(Precision precision) {
        this.p = precision;
    }

    public Precision precision() { return p; }

    /**
     * A class with one method per kernel. {@code interfaces} are implemented by the instance kernels
     * (a public no-argument constructor is emitted).
     */
    public byte[] emitClass(String internalName, List<Loop.Kernel> kernels, String... interfaces) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
        cw.visit(V17, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, internalName, null, "java/lang/Object", interfaces);
        emitConstructor(cw, "java/lang/Object");
        Map<String, Loop.Kernel> byName = new HashMap<>();
        for (Loop.Kernel k : kernels) byName.put(k.name(), k);
        for (Loop.Kernel k : Gemm.ALL) byName.put(k.name(), k);
        for (Loop.Kernel k : RowOps.ALL) byName.put(k.name(), k);
        for (Loop.Kernel k : kernels) new MethodEmitter(cw, internalName, k, byName).emit();
        new MethodEmitter(cw, internalName, Functions.ERF, byName).emit();
        // float32 classes take these from the runtime instead: FastMath's sigmoid and tanh, Gemm, Rows.
        if (p == Precision.F64) {
            new MethodEmitter(cw, internalName, Functions.SIGMOID, byName).emit();
            for (Loop.Kernel k : Gemm.ALL) new MethodEmitter(cw, internalName, k, byName).emit();
            for (Loop.Kernel k : RowOps.ALL) new MethodEmitter(cw, internalName, k, byName).emit();
            emitTanh(cw);
        }
        cw.visitEnd();
        return cw.toByteArray();
    }

    /** A public no-argument constructor calling {@code superclass}'s. */
    private static void emitConstructor(ClassWriter cw, String superclass) {
        MethodVisitor init = cw.visitMethod(ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(ALOAD, 0);
        init.visitMethodInsn(INVOKESPECIAL, superclass, "<init>", "()V", false);
        init.visitInsn(RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
    }

    /** Where float32 classes take exp, tanh and sigmoid from. */
    static final String FAST_MATH = "seq/runtime/model/FastMath";

    /** The interface the runtime launches device kernels through. */
    public static final String DEVICE_KERNEL = "seq/runtime/device/DeviceKernel";

    /**
     * A model's device kernels as one Aparapi kernel: a {@code com.aparapi.Kernel} subclass with a
     * {@code float[]} field per buffer ({@code f_} + name; {@code buffers} gives each field's index in the
     * workspace), an {@code int[]} of the bound sizes and an
     * {@code int} choosing the branch of {@code run()} (the statements {@code run}, where one work item
     * runs one iteration of an op's parallel loop). It implements {@link #DEVICE_KERNEL}: {@code bind}
     * sets the fields from a workspace, {@code select} the branch.
     */
    public byte[] emitDeviceClass(String internalName, Map<String, Integer> buffers, String op, String dims, List<Stmt> run) {
        if (p != Precision.F32) throw new IllegalStateException("device kernels are float32");
        Map<String, Type> fields = new java.util.LinkedHashMap<>();
        for (String b : buffers.keySet()) fields.put(b, Type.REAL_ARRAY);
        fields.put(dims, Type.INT_ARRAY);
        fields.put(op, Type.INT);
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
        cw.visit(V17, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, internalName, null, "com/aparapi/Kernel", new String[] {DEVICE_KERNEL});
        for (Map.Entry<String, Type> f : fields.entrySet()) {
            cw.visitField(ACC_PUBLIC, "f_" + f.getKey(), descriptor(f.getValue()), null, null).visitEnd();
        }
        emitConstructor(cw, "com/aparapi/Kernel");
        Map<String, Loop.Kernel> none = Map.of();
        new MethodEmitter(cw, internalName, new Loop.Kernel("run", List.of(), run, true), none, fields, true).emit();
        for (Loop.Kernel f : List.of(Functions.ERF, Functions.SIGMOID, Functions.STEP)) {
            new MethodEmitter(cw, internalName, new Loop.Kernel(f.name(), f.params(), f.body(), true, f.returns()), none, Map.of(), true)
                .emit();
        }
        List<Stmt> bind = new ArrayList<>();
        buffers.forEach((field, index) -> bind.add(Loop.set(field, Loop.at("$b", Loop.i(index)))));
        bind.add(Loop.set(dims, Loop.v("$dims")));
        new MethodEmitter(cw, internalName, new Loop.Kernel("bind", List.of(Loop.p("$b", Type.REAL_ARRAYS), Loop.p("$dims", Type.INT_ARRAY)),
            bind, true), none, fields, false).emit();
        new MethodEmitter(cw, internalName, new Loop.Kernel("select", List.of(Loop.p("op", Type.INT)), List.of(Loop.set(op, Loop.v("op"))),
            true), none, fields, false).emit();
        cw.visitEnd();
        return cw.toByteArray();
    }

    /**
     * Float64 classes' tanh, through one Math.exp, which HotSpot compiles to an intrinsic while Math.tanh stays a slow
     * library call: (1 − e)/(1 + e) with e = exp(−2|x|) ≤ 1, signed, so nothing overflows; below
     * |x| = 0.02, where 1 − e would cancel, its Taylor series to x⁷ (tested against Math.tanh to 1e-9).
     */
    private static void emitTanh(ClassWriter cw) {
        MethodVisitor mv = cw.visitMethod(ACC_PRIVATE | ACC_STATIC, "tanh", "(D)D", null, null);
        mv.visitCode();
        Label start = new Label(), end = new Label(), negative = new Label();
        Label large = new Label();
        mv.visitLabel(start);
        mv.visitVarInsn(DLOAD, 0);
        mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", "abs", "(D)D", false);
        mv.visitLdcInsn(0.02);
        mv.visitInsn(DCMPG);
        mv.visitJumpInsn(IFGE, large);
        // x · (1 + x²(−1/3 + x²(2/15 − 17x²/315)))
        mv.visitVarInsn(DLOAD, 0);
        mv.visitVarInsn(DLOAD, 0);
        mv.visitInsn(DMUL);
        mv.visitVarInsn(DSTORE, 2);
        mv.visitVarInsn(DLOAD, 0);
        mv.visitInsn(DCONST_1);
        mv.visitVarInsn(DLOAD, 2);
        mv.visitLdcInsn(-1.0 / 3);
        mv.visitVarInsn(DLOAD, 2);
        mv.visitLdcInsn(2.0 / 15);
        mv.visitVarInsn(DLOAD, 2);
        mv.visitLdcInsn(-17.0 / 315);
        mv.visitInsn(DMUL);
        mv.visitInsn(DADD);
        mv.visitInsn(DMUL);
        mv.visitInsn(DADD);
        mv.visitInsn(DMUL);
        mv.visitInsn(DADD);
        mv.visitInsn(DMUL);
        mv.visitInsn(DRETURN);
        mv.visitLabel(large);
        mv.visitVarInsn(DLOAD, 0);
        mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", "abs", "(D)D", false);
        mv.visitLdcInsn(-2.0);
        mv.visitInsn(DMUL);
        mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", "exp", "(D)D", false);
        mv.visitVarInsn(DSTORE, 2);
        mv.visitInsn(DCONST_1);
        mv.visitVarInsn(DLOAD, 2);
        mv.visitInsn(DSUB);
        mv.visitInsn(DCONST_1);
        mv.visitVarInsn(DLOAD, 2);
        mv.visitInsn(DADD);
        mv.visitInsn(DDIV);
        mv.visitVarInsn(DLOAD, 0);
        mv.visitInsn(DCONST_0);
        mv.visitInsn(DCMPG);
        mv.visitJumpInsn(IFLT, negative);
        mv.visitInsn(DRETURN);
        mv.visitLabel(negative);
        mv.visitInsn(DNEG);
        mv.visitInsn(DRETURN);
        mv.visitLabel(end);
        mv.visitLocalVariable("x", "D", null, start, end, 0);
        mv.visitLocalVariable("e", "D", null, start, end, 2);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    String descriptor(Type t) {
        return switch (t) {
            case INT -> "I";
            case BOOL -> "Z";
            case REAL -> p.real;
            case INT_ARRAY -> "[I";
            case REAL_ARRAY -> p.array;
            case REAL_ARRAYS -> p.arrays;
        };
    }

    String methodDescriptor(Loop.Kernel k) {
        StringBuilder d = new StringBuilder("(");
        for (Loop.Param prm : k.params()) d.append(descriptor(prm.type()));
        return d.append(")").append(k.returns() == null ? "V" : descriptor(k.returns())).toString();
    }

    /** Emits one kernel: tracks local slots and types, and turns each statement into bytecode. */
    private final class MethodEmitter {
        private final ClassWriter cw;
        private final String owner;
        private final Loop.Kernel kernel;
        private final Map<String, Loop.Kernel> kernels;
        private final Map<String, Integer> slots = new HashMap<>();
        private final Map<String, Type> types = new HashMap<>();
        private final Map<String, Label> declaredAt = new HashMap<>();
        private final Map<String, Integer> declarations = new HashMap<>();
        private final Map<String, String> lvtNames = new HashMap<>();
        /** Names declared in each open block; a name may be declared again once its block has ended. */
        private final Deque<List<String>> scopes = new ArrayDeque<>();
        private final Label start = new Label(), end = new Label();
        /** Names that are fields of {@code this} rather than locals (a device kernel's arguments). */
        private final Map<String, Type> fields;
        /** Emitting for Aparapi: float math through Kernel's own methods, prefixed local names. */
        private final boolean device;
        private MethodVisitor mv;
        private int nextSlot;

        MethodEmitter(ClassWriter cw, String owner, Loop.Kernel kernel, Map<String, Loop.Kernel> kernels) {
            this(cw, owner, kernel, kernels, Map.of(), false);
        }

        MethodEmitter(ClassWriter cw, String owner, Loop.Kernel kernel, Map<String, Loop.Kernel> kernels, Map<String, Type> fields,
                      boolean device) {
            this.cw = cw;
            this.owner = owner;
            this.kernel = kernel;
            this.kernels = kernels;
            this.fields = fields;
            this.device = device;
        }

        void emit() {
            int access = ACC_PUBLIC | (kernel.instance() ? 0 : ACC_STATIC);
            mv = cw.visitMethod(access, kernel.name(), methodDescriptor(kernel), null, null);
            mv.visitCode();
            mv.visitLabel(start);
            nextSlot = kernel.instance() ? 1 : 0;
            scopes.push(new ArrayList<>());
            for (Loop.Param prm : kernel.params()) {
                declare(prm.name(), prm.type());
                begin(prm.name());
            }
            block(kernel.body());
            if (kernel.returns() == null) mv.visitInsn(RETURN);
            mv.visitLabel(end);
            if (kernel.instance()) mv.visitLocalVariable("this", "L" + owner + ";", null, start, end, 0);
            close(scopes.pop(), end);
            mv.visitMaxs(0, 0);
            mv.visitEnd();
        }

        private void block(List<Stmt> body) {
            scopes.push(new ArrayList<>());
            for (Stmt s : body) stmt(s);
            Label after = new Label();
            mv.visitLabel(after);
            close(scopes.pop(), after);
        }

        /** Ends the names of a block, writing their LocalVariableTable entries. */
        private void close(List<String> names, Label after) {
            for (String name : names) {
                mv.visitLocalVariable(lvtNames.remove(name), descriptor(types.get(name)), null, declaredAt.get(name), after,
                    slots.get(name));
                slots.remove(name);
                types.remove(name);
                declaredAt.remove(name);
            }
        }

        /** A slot for a new local; its LocalVariableTable range starts at {@link #begin}, after its first store. */
        private int declare(String name, Type type) {
            if (slots.containsKey(name) || fields.containsKey(name)) {
                throw new IllegalStateException(kernel.name() + ": `" + name + "` declared twice");
            }
            scopes.peek().add(name);
            // On a device every local of a method gets its own name (v_q, v_q_2, ...): Aparapi may declare
            // the locals of sibling blocks in one C scope, where two `int v_q` would clash.
            int use = declarations.merge(name, 1, Integer::sum);
            // `$` (in `i$end`) is no OpenCL C identifier character: a device gets `_` instead.
            lvtNames.put(name, device ? "v_" + name.replace('$', '_') + (use == 1 ? "" : "_" + use) : name);
            slots.put(name, nextSlot);
            types.put(name, type);
            int slot = nextSlot;
            nextSlot += type == Type.REAL && p == Precision.F64 ? 2 : 1;
            return slot;
        }

        /**
         * Starts a local's range just after its first store, as javac does: Aparapi drops the
         * declaration of a local whose range starts at or before that store.
         */
        private void begin(String name) {
            Label here = new Label();
            mv.visitLabel(here);
            declaredAt.put(name, here);
        }

        private int slot(String name) {
            Integer s = slots.get(name);
            if (s == null) throw new IllegalStateException(kernel.name() + ": `" + name + "` is not declared");
            return s;
        }

        private void stmt(Stmt s) {
            if (s instanceof Loop.Let l) {
                Type t = l.type();
                expect(expr(l.init()), t, l);
                int slot = declare(l.var(), t);
                store(slot, t);
                begin(l.var());
            } else if (s instanceof Loop.Set st && fields.containsKey(st.var())) {
                mv.visitVarInsn(ALOAD, 0);
                Type t = fields.get(st.var());
                expect(expr(st.value()), t, st);
                mv.visitFieldInsn(PUTFIELD, owner, "f_" + st.var(), descriptor(t));
            } else if (s instanceof Loop.Set st) {
                Type t = types.get(st.var());
                expect(expr(st.value()), t, st);
                store(slot(st.var()), t);
            } else if (s instanceof Loop.Store st) {
                Type arrayType = typeOf(st.array());
                load(st.array());
                expect(expr(st.index()), Type.INT, st);
                Type elem = arrayType == Type.INT_ARRAY ? Type.INT : Type.REAL;
                expect(expr(st.value()), elem, st);
                mv.visitInsn(elem == Type.INT ? IASTORE : p == Precision.F32 ? FASTORE : DASTORE);
            } else if (s instanceof Loop.For f) {
                forLoop(f);
            } else if (s instanceof Loop.If f) {
                Label otherwise = new Label(), done = new Label();
                jumpUnless(f.cond(), otherwise);
                block(f.then());
                if (f.otherwise().isEmpty()) {
                    mv.visitLabel(otherwise);
                } else {
                    mv.visitJumpInsn(GOTO, done);
                    mv.visitLabel(otherwise);
                    block(f.otherwise());
                    mv.visitLabel(done);
                }
            } else if (s instanceof Loop.Return ret) {
                expect(expr(ret.value()), kernel.returns(), ret);
                mv.visitInsn(kernel.returns() == Type.INT ? IRETURN : p == Precision.F32 ? FRETURN : DRETURN);
            } else if (s instanceof Loop.Call c) {
                Loop.Kernel callee = kernels.get(c.kernel());
                if (callee == null || callee.instance()) throw new IllegalStateException("no static kernel " + c.kernel());
                for (int a = 0; a < c.args().size(); a++) expect(expr(c.args().get(a)), callee.params().get(a).type(), c);
                String target = p == Precision.F64 ? owner : Gemm.ALL.contains(callee) ? Gemm.RUNTIME
                    : RowOps.ALL.contains(callee) ? RowOps.RUNTIME : owner;
                mv.visitMethodInsn(INVOKESTATIC, target, callee.name(), methodDescriptor(callee), false);
            }
        }

        /**
         * Jumps to {@code target} when {@code cond} is false, as javac compiles a condition: a comparison
         * becomes one inverted compare-and-branch (false for NaN, as in Java), {@code &&} two of them.
         */
        private void jumpUnless(Expr cond, Label target) {
            if (cond instanceof Loop.And a) {
                jumpUnless(a.a(), target);
                jumpUnless(a.b(), target);
                return;
            }
            if (!(cond instanceof Loop.Cmp c)) {
                expect(expr(cond), Type.BOOL, cond);
                mv.visitJumpInsn(IFEQ, target);
                return;
            }
            Type t = expr(c.a());
            expect(expr(c.b()), t, c);
            if (t == Type.INT) {
                mv.visitJumpInsn(switch (c.op()) {
                    case "<" -> IF_ICMPGE;
                    case "<=" -> IF_ICMPGT;
                    case ">" -> IF_ICMPLE;
                    case ">=" -> IF_ICMPLT;
                    case "==" -> IF_ICMPNE;
                    case "!=" -> IF_ICMPEQ;
                    default -> throw new IllegalStateException("comparison " + c.op());
                }, target);
                return;
            }
            // NaN makes every comparison but `!=` false, so it must take the jump: FCMPG (NaN → 1) before
            // the tests of < and <=, FCMPL (NaN → −1) before the others.
            boolean greater = c.op().equals("<") || c.op().equals("<=");
            mv.visitInsn(p == Precision.F32 ? (greater ? FCMPG : FCMPL) : (greater ? DCMPG : DCMPL));
            mv.visitJumpInsn(switch (c.op()) {
                case "<" -> IFGE;
                case "<=" -> IFGT;
                case ">" -> IFLE;
                case ">=" -> IFLT;
                case "==" -> IFNE;
                case "!=" -> IFEQ;
                default -> throw new IllegalStateException("comparison " + c.op());
            }, target);
        }

        /**
         * {@code for (var = lo, end = hi; var < end; var++)}. On the JVM the test sits at the bottom
         * ({@code goto test; body: ...; var++; test: if (var < end) goto body}); on a device the loop has the
         * shape javac gives it, which Aparapi's decompiler knows best: {@code test: if (var >= end) goto
         * exit; ...; var++; goto test; exit:}.
         */
        private void forLoop(Loop.For f) {
            scopes.push(new ArrayList<>());
            expect(expr(f.lo()), Type.INT, f);
            int var = declare(f.var(), Type.INT);
            mv.visitVarInsn(ISTORE, var);
            begin(f.var());
            expect(expr(f.hi()), Type.INT, f);
            int hi = declare(f.var() + "$end", Type.INT);
            mv.visitVarInsn(ISTORE, hi);
            begin(f.var() + "$end");
            Label test = new Label(), body = new Label(), exit = new Label();
            if (device) {
                mv.visitLabel(test);
                mv.visitVarInsn(ILOAD, var);
                mv.visitVarInsn(ILOAD, hi);
                mv.visitJumpInsn(IF_ICMPGE, exit);
                block(f.body());
                mv.visitIincInsn(var, 1);
                mv.visitJumpInsn(GOTO, test);
            } else {
                mv.visitJumpInsn(GOTO, test);
                mv.visitLabel(body);
                block(f.body());
                mv.visitIincInsn(var, 1);
                mv.visitLabel(test);
                mv.visitVarInsn(ILOAD, var);
                mv.visitVarInsn(ILOAD, hi);
                mv.visitJumpInsn(IF_ICMPLT, body);
            }
            mv.visitLabel(exit);
            close(scopes.pop(), exit);
        }

        private void store(int slot, Type t) {
            mv.visitVarInsn(switch (t) {
                case INT, BOOL -> ISTORE;
                case REAL -> p == Precision.F32 ? FSTORE : DSTORE;
                default -> ASTORE;
            }, slot);
        }

        private Type typeOf(String name) {
            if (fields.containsKey(name)) return fields.get(name);
            slot(name);
            return types.get(name);
        }

        /** Pushes a reference-typed name: a field of this, or a local. */
        private void load(String name) {
            if (fields.containsKey(name)) {
                mv.visitVarInsn(ALOAD, 0);
                mv.visitFieldInsn(GETFIELD, owner, "f_" + name, descriptor(fields.get(name)));
            } else {
                mv.visitVarInsn(ALOAD, slot(name));
            }
        }

        private void expect(Type got, Type want, Object where) {
            if (got != want) throw new IllegalStateException(kernel.name() + ": expected " + want + ", found " + got + " in " + where);
        }

        /** Pushes the value of {@code e}; returns its type. */
        private Type expr(Expr e) {
            if (e instanceof Loop.IntConst c) {
                mv.visitLdcInsn(c.value());
                return Type.INT;
            }
            if (e instanceof Loop.RealConst c) {
                if (device && Double.isInfinite(c.value())) {
                    // OpenCL C has no literal for infinity: 1/0, which Aparapi writes as (1.0f/0.0f).
                    mv.visitLdcInsn(c.value() > 0 ? 1f : -1f);
                    mv.visitLdcInsn(0f);
                    mv.visitInsn(FDIV);
                } else if (p == Precision.F32) {
                    mv.visitLdcInsn((float) c.value());
                } else {
                    mv.visitLdcInsn(c.value());
                }
                return Type.REAL;
            }
            if (e instanceof Loop.Var v && fields.containsKey(v.name())) {
                Type t = fields.get(v.name());
                mv.visitVarInsn(ALOAD, 0);
                mv.visitFieldInsn(GETFIELD, owner, "f_" + v.name(), descriptor(t));
                return t;
            }
            if (e instanceof Loop.Var v) {
                Type t = typeOf(v.name());
                mv.visitVarInsn(switch (t) {
                    case INT, BOOL -> ILOAD;
                    case REAL -> p == Precision.F32 ? FLOAD : DLOAD;
                    default -> ALOAD;
                }, slot(v.name()));
                return t;
            }
            if (e instanceof Loop.Load l) {
                Type arrayType = typeOf(l.array());
                load(l.array());
                expect(expr(l.index()), Type.INT, l);
                switch (arrayType) {
                    case INT_ARRAY -> { mv.visitInsn(IALOAD); return Type.INT; }
                    case REAL_ARRAY -> { mv.visitInsn(p == Precision.F32 ? FALOAD : DALOAD); return Type.REAL; }
                    case REAL_ARRAYS -> { mv.visitInsn(AALOAD); return Type.REAL_ARRAY; }
                    default -> throw new IllegalStateException(l.array() + " is not an array");
                }
            }
            if (e instanceof Loop.Neg n) {
                Type t = expr(n.a());
                mv.visitInsn(t == Type.INT ? INEG : p == Precision.F32 ? FNEG : DNEG);
                return t;
            }
            if (e instanceof Loop.ToReal t) {
                expect(expr(t.a()), Type.INT, t);
                mv.visitInsn(p == Precision.F32 ? I2F : I2D);
                return Type.REAL;
            }
            if (e instanceof Loop.ToInt t) {
                expect(expr(t.a()), Type.REAL, t);
                mv.visitInsn(p == Precision.F32 ? F2I : D2I);
                return Type.INT;
            }
            if (e instanceof Loop.Bin b) return binary(b);
            if (e instanceof Loop.Fn f) return function(f);
            if (e instanceof Loop.Cmp c) return compare(c);
            if (e instanceof Loop.And a) {
                Label no = new Label(), done = new Label();
                expect(expr(a.a()), Type.BOOL, a);
                mv.visitJumpInsn(IFEQ, no);
                expect(expr(a.b()), Type.BOOL, a);
                mv.visitJumpInsn(GOTO, done);
                mv.visitLabel(no);
                mv.visitInsn(ICONST_0);
                mv.visitLabel(done);
                return Type.BOOL;
            }
            Loop.Select s = (Loop.Select) e;
            Label no = new Label(), done = new Label();
            jumpUnless(s.cond(), no);
            Type t = expr(s.a());
            mv.visitJumpInsn(GOTO, done);
            mv.visitLabel(no);
            expect(expr(s.b()), t, s);
            mv.visitLabel(done);
            return t;
        }

        private Type binary(Loop.Bin b) {
            Type t = expr(b.a());
            expect(expr(b.b()), t, b);
            boolean f = p == Precision.F32;
            if (b.op() == '<' || b.op() == '>') {
                String d = t == Type.INT ? "I" : p.real;
                mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", b.op() == '<' ? "min" : "max", "(" + d + d + ")" + d, false);
                return t;
            }
            int op = switch (b.op()) {
                case '+' -> t == Type.INT ? IADD : f ? FADD : DADD;
                case '-' -> t == Type.INT ? ISUB : f ? FSUB : DSUB;
                case '*' -> t == Type.INT ? IMUL : f ? FMUL : DMUL;
                case '/' -> t == Type.INT ? IDIV : f ? FDIV : DDIV;
                case '%' -> t == Type.INT ? IREM : f ? FREM : DREM;
                default -> throw new IllegalStateException("operator " + b.op());
            };
            mv.visitInsn(op);
            return t;
        }

        /**
         * Math functions compute in double; float32 kernels convert around the call, except for exp, tanh and
         * sigmoid, which they take in float32 from {@link #FAST_MATH}. On a device they
         * are Kernel's float methods (OpenCL's own), and erf an instance helper of the kernel class.
         */
        private Type function(Loop.Fn f) {
            if (f.name().equals("globalId")) {
                mv.visitVarInsn(ALOAD, 0);
                mv.visitMethodInsn(INVOKEVIRTUAL, "com/aparapi/Kernel", "getGlobalId", "()I", false);
                return Type.INT;
            }
            if (device) {
                mv.visitVarInsn(ALOAD, 0);
                for (Expr a : f.args()) expect(expr(a), Type.REAL, f);
                String desc = "(" + "F".repeat(f.args().size()) + ")F";
                boolean own = f.name().equals("erf") || f.name().equals("sigmoid") || f.name().equals("step");
                mv.visitMethodInsn(INVOKEVIRTUAL, own ? owner : "com/aparapi/Kernel", f.name(), desc, false);
                return Type.REAL;
            }
            if (f.name().equals("erf") || f.name().equals("sigmoid") && p == Precision.F64) {
                expect(expr(f.args().get(0)), Type.REAL, f);
                mv.visitMethodInsn(INVOKESTATIC, owner, f.name(), "(" + p.real + ")" + p.real, false);
                return Type.REAL;
            }
            if (f.name().equals("step")) {
                // 1 − min(max(−x · 2^k · 2^k, 0), 1), with 2^2k enough to lift the smallest negative subnormal to
                // 1 or more: only arithmetic, min and max, so C2 vectorises loops over it (a compare and branch,
                // or Math.copySign, it does not). Both zeros give 1, as x ≥ 0 has it on a device; NaN gives NaN (0 on
                // a device), which only a NaN forward value can meet, and training stops at a NaN loss.
                String real = "(" + p.real + p.real + ")" + p.real;
                if (p == Precision.F32) mv.visitInsn(FCONST_1);
                else mv.visitInsn(DCONST_1);
                expect(expr(f.args().get(0)), Type.REAL, f);
                mv.visitInsn(p == Precision.F32 ? FNEG : DNEG);
                for (int twice = 0; twice < 2; twice++) {
                    if (p == Precision.F32) mv.visitLdcInsn(0x1p127f);
                    else mv.visitLdcInsn(0x1p600);
                    mv.visitInsn(p == Precision.F32 ? FMUL : DMUL);
                }
                mv.visitInsn(p == Precision.F32 ? FCONST_0 : DCONST_0);
                mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", "max", real, false);
                mv.visitInsn(p == Precision.F32 ? FCONST_1 : DCONST_1);
                mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", "min", real, false);
                mv.visitInsn(p == Precision.F32 ? FSUB : DSUB);
                return Type.REAL;
            }
            if (f.name().equals("abs")) {
                expect(expr(f.args().get(0)), Type.REAL, f);
                mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", "abs", "(" + p.real + ")" + p.real, false);
                return Type.REAL;
            }
            if (p == Precision.F32 && (f.name().equals("exp") || f.name().equals("tanh") || f.name().equals("sigmoid"))) {
                // float32's own exp, tanh and sigmoid (seq.runtime.model.FastMath, error bounds tested there).
                expect(expr(f.args().get(0)), Type.REAL, f);
                mv.visitMethodInsn(INVOKESTATIC, FAST_MATH, f.name(), "(F)F", false);
                return Type.REAL;
            }
            for (Expr a : f.args()) {
                expect(expr(a), Type.REAL, f);
                if (p == Precision.F32) mv.visitInsn(F2D);
            }
            String desc = f.args().size() == 1 ? "(D)D" : "(DD)D";
            if (f.name().equals("tanh")) mv.visitMethodInsn(INVOKESTATIC, owner, "tanh", desc, false);
            else mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", f.name(), desc, false);
            if (p == Precision.F32) mv.visitInsn(D2F);
            return Type.REAL;
        }

        private Type compare(Loop.Cmp c) {
            Type t = expr(c.a());
            expect(expr(c.b()), t, c);
            Label yes = new Label(), done = new Label();
            int jump;
            if (t == Type.INT) {
                jump = switch (c.op()) {
                    case "<" -> IF_ICMPLT;
                    case "<=" -> IF_ICMPLE;
                    case ">" -> IF_ICMPGT;
                    case ">=" -> IF_ICMPGE;
                    case "==" -> IF_ICMPEQ;
                    default -> IF_ICMPNE;
                };
            } else {
                // NaN compares false everywhere except `!=`, as in Java source.
                boolean greaterIsNaN = c.op().equals("<") || c.op().equals("<=");
                mv.visitInsn(p == Precision.F32 ? (greaterIsNaN ? FCMPG : FCMPL) : (greaterIsNaN ? DCMPG : DCMPL));
                jump = switch (c.op()) {
                    case "<" -> IFLT;
                    case "<=" -> IFLE;
                    case ">" -> IFGT;
                    case ">=" -> IFGE;
                    case "==" -> IFEQ;
                    default -> IFNE;
                };
            }
            mv.visitJumpInsn(jump, yes);
            mv.visitInsn(ICONST_0);
            mv.visitJumpInsn(GOTO, done);
            mv.visitLabel(yes);
            mv.visitInsn(ICONST_1);
            mv.visitLabel(done);
            return Type.BOOL;
        }
    }
}
