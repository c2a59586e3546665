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
import seq.compiler.codegen.loops.Loop;
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

    /**
     * A class with one method per kernel. {@code interfaces} are implemented by the instance kernels
     * (a public no-argument constructor is emitted).
     */
    public byte[] emitClass(String internalName, List<Loop.Kernel> kernels, String... interfaces) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
        cw.visit(V17, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, internalName, null, "java/lang/Object", interfaces);
        MethodVisitor init = cw.visitMethod(ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(ALOAD, 0);
        init.visitMethodInsn(INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        Map<String, Loop.Kernel> byName = new HashMap<>();
        for (Loop.Kernel k : kernels) byName.put(k.name(), k);
        for (Loop.Kernel k : kernels) new MethodEmitter(cw, internalName, k, byName).emit();
        new MethodEmitter(cw, internalName, Functions.ERF, byName).emit();
        emitTanh(cw);
        cw.visitEnd();
        return cw.toByteArray();
    }

    /**
     * tanh through one Math.exp, which HotSpot compiles to an intrinsic while Math.tanh stays a slow
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
        /** Names declared in each open block; a name may be declared again once its block has ended. */
        private final Deque<List<String>> scopes = new ArrayDeque<>();
        private final Label start = new Label(), end = new Label();
        private MethodVisitor mv;
        private int nextSlot;

        MethodEmitter(ClassWriter cw, String owner, Loop.Kernel kernel, Map<String, Loop.Kernel> kernels) {
            this.cw = cw;
            this.owner = owner;
            this.kernel = kernel;
            this.kernels = kernels;
        }

        void emit() {
            int access = ACC_PUBLIC | (kernel.instance() ? 0 : ACC_STATIC);
            mv = cw.visitMethod(access, kernel.name(), methodDescriptor(kernel), null, null);
            mv.visitCode();
            mv.visitLabel(start);
            nextSlot = kernel.instance() ? 1 : 0;
            scopes.push(new ArrayList<>());
            for (Loop.Param prm : kernel.params()) declare(prm.name(), prm.type());
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
                mv.visitLocalVariable(name, descriptor(types.get(name)), null, declaredAt.get(name), after, slots.get(name));
                slots.remove(name);
                types.remove(name);
                declaredAt.remove(name);
            }
        }

        private int declare(String name, Type type) {
            if (slots.containsKey(name)) throw new IllegalStateException(kernel.name() + ": `" + name + "` declared twice");
            Label here = new Label();
            mv.visitLabel(here);
            declaredAt.put(name, here);
            scopes.peek().add(name);
            slots.put(name, nextSlot);
            types.put(name, type);
            int slot = nextSlot;
            nextSlot += type == Type.REAL && p == Precision.F64 ? 2 : 1;
            return slot;
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
            } else if (s instanceof Loop.Set st) {
                Type t = types.get(st.var());
                expect(expr(st.value()), t, st);
                store(slot(st.var()), t);
            } else if (s instanceof Loop.Store st) {
                Type arrayType = typeOf(st.array());
                mv.visitVarInsn(ALOAD, slot(st.array()));
                expect(expr(st.index()), Type.INT, st);
                Type elem = arrayType == Type.INT_ARRAY ? Type.INT : Type.REAL;
                expect(expr(st.value()), elem, st);
                mv.visitInsn(elem == Type.INT ? IASTORE : p == Precision.F32 ? FASTORE : DASTORE);
            } else if (s instanceof Loop.For f) {
                forLoop(f);
            } else if (s instanceof Loop.If f) {
                Label otherwise = new Label(), done = new Label();
                expect(expr(f.cond()), Type.BOOL, f);
                mv.visitJumpInsn(IFEQ, otherwise);
                block(f.then());
                mv.visitJumpInsn(GOTO, done);
                mv.visitLabel(otherwise);
                block(f.otherwise());
                mv.visitLabel(done);
            } else if (s instanceof Loop.Return ret) {
                expect(expr(ret.value()), kernel.returns(), ret);
                mv.visitInsn(p == Precision.F32 ? FRETURN : DRETURN);
            } else if (s instanceof Loop.Call c) {
                Loop.Kernel callee = kernels.get(c.kernel());
                if (callee == null || callee.instance()) throw new IllegalStateException("no static kernel " + c.kernel());
                for (int a = 0; a < c.args().size(); a++) expect(expr(c.args().get(a)), callee.params().get(a).type(), c);
                mv.visitMethodInsn(INVOKESTATIC, owner, callee.name(), methodDescriptor(callee), false);
            }
        }

        private void forLoop(Loop.For f) {
            scopes.push(new ArrayList<>());
            expect(expr(f.lo()), Type.INT, f);
            int var = declare(f.var(), Type.INT);
            mv.visitVarInsn(ISTORE, var);
            expect(expr(f.hi()), Type.INT, f);
            int hi = declare(f.var() + "$end", Type.INT);
            mv.visitVarInsn(ISTORE, hi);
            Label test = new Label(), body = new Label();
            mv.visitJumpInsn(GOTO, test);
            mv.visitLabel(body);
            block(f.body());
            mv.visitIincInsn(var, 1);
            mv.visitLabel(test);
            mv.visitVarInsn(ILOAD, var);
            mv.visitVarInsn(ILOAD, hi);
            mv.visitJumpInsn(IF_ICMPLT, body);
            Label after = new Label();
            mv.visitLabel(after);
            close(scopes.pop(), after);
        }

        private void store(int slot, Type t) {
            mv.visitVarInsn(switch (t) {
                case INT, BOOL -> ISTORE;
                case REAL -> p == Precision.F32 ? FSTORE : DSTORE;
                default -> ASTORE;
            }, slot);
        }

        private Type typeOf(String name) {
            slot(name);
            return types.get(name);
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
                if (p == Precision.F32) mv.visitLdcInsn((float) c.value()); else mv.visitLdcInsn(c.value());
                return Type.REAL;
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
                mv.visitVarInsn(ALOAD, slot(l.array()));
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
            expect(expr(s.cond()), Type.BOOL, s);
            mv.visitJumpInsn(IFEQ, no);
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

        /** Math functions compute in double; float32 kernels convert around the call. */
        private Type function(Loop.Fn f) {
            if (f.name().equals("erf")) {
                expect(expr(f.args().get(0)), Type.REAL, f);
                mv.visitMethodInsn(INVOKESTATIC, owner, "erf", "(" + p.real + ")" + p.real, false);
                return Type.REAL;
            }
            if (f.name().equals("abs")) {
                expect(expr(f.args().get(0)), Type.REAL, f);
                mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", "abs", "(" + p.real + ")" + p.real, false);
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
