package fasttrack.kernel;

import fasttrack.kernel.api.ExitGuard;
import jdk.jshell.spi.ExecutionControl.ClassBytecodes;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Redirects the exit calls in a cell's classes to {@link ExitGuard}, so that they end the cell, not the kernel.
 *
 * <p>Works on bytecode, so it catches exactly the calls to {@code System.exit}, {@code Runtime.exit}
 * and {@code Runtime.halt} whatever the source looks like, on every Java version (a SecurityManager
 * would do it only up to Java 23). Each replacement takes the same operands off the stack as the call
 * it replaces, so the rest of the method, stack map frames included, stays valid.
 */
final class ExitCallRewriter {

    private static final String GUARD = Type.getInternalName(ExitGuard.class);

    private ExitCallRewriter() {}

    static ClassBytecodes[] rewriteAll(ClassBytecodes[] classes) {
        ClassBytecodes[] rewritten = new ClassBytecodes[classes.length];
        for (int i = 0; i < classes.length; i++) {
            rewritten[i] = new ClassBytecodes(classes[i].name(), rewrite(classes[i].bytecodes()));
        }
        return rewritten;
    }

    static byte[] rewrite(byte[] classFile) {
        ClassReader reader = new ClassReader(classFile);
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(
                new ClassVisitor(Opcodes.ASM9, writer) {
                    @Override
                    public MethodVisitor visitMethod(
                            int access, String name, String descriptor, String signature, String[] exceptions) {
                        return new Redirect(super.visitMethod(access, name, descriptor, signature, exceptions));
                    }
                },
                0);
        return writer.toByteArray();
    }

    private static final class Redirect extends MethodVisitor {
        Redirect(MethodVisitor next) {
            super(Opcodes.ASM9, next);
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
            if (opcode == Opcodes.INVOKESTATIC
                    && owner.equals("java/lang/System")
                    && name.equals("exit")
                    && descriptor.equals("(I)V")) {
                super.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, "exit", "(I)V", false);
            } else if (opcode == Opcodes.INVOKEVIRTUAL
                    && owner.equals("java/lang/Runtime")
                    && (name.equals("exit") || name.equals("halt"))
                    && descriptor.equals("(I)V")) {
                super.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, name, "(Ljava/lang/Runtime;I)V", false);
            } else {
                super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
            }
        }
    }
}
