package fasttrack.autograd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A scalar that remembers how it was computed, so {@link #backward()} can apply the chain rule
 * through everything that produced it: reverse-mode automatic differentiation on one number at a
 * time. The same algorithm DJL and PyTorch run on whole tensors.
 *
 * <p>Each operation records its inputs and a local rule "how much does my output move per unit of
 * each input"; backward visits nodes in reverse topological order, multiplying those local
 * derivatives by the gradient flowing in and adding the contributions of every path.
 */
public final class Value {

    private double data;
    private double grad;
    private final Value[] inputs;
    private final String op;
    private final String label;
    private Runnable propagate = () -> {};

    private Value(double data, String op, String label, Value... inputs) {
        if (Double.isNaN(data)) throw new ArithmeticException(op + " produced NaN from " + describe(inputs));
        this.data = data;
        this.op = op;
        this.label = label;
        this.inputs = inputs;
    }

    /** A leaf: an input or a parameter. */
    public static Value of(double data) {
        return of(data, "");
    }

    public static Value of(double data, String label) {
        if (!Double.isFinite(data)) throw new IllegalArgumentException("a Value must start finite, got " + data);
        return new Value(data, "", label == null ? "" : label);
    }

    public double data() {
        return data;
    }

    /** ∂(the value backward() was called on) / ∂(this). */
    public double grad() {
        return grad;
    }

    public String op() {
        return op;
    }

    public String label() {
        return label;
    }

    public List<Value> inputs() {
        return List.of(inputs);
    }

    public Value add(Value other) {
        Value out = new Value(data + other.data, "+", "", this, other);
        out.propagate = () -> {
            grad += out.grad;
            other.grad += out.grad;
        };
        return out;
    }

    public Value add(double c) {
        return add(of(c));
    }

    public Value mul(Value other) {
        Value out = new Value(data * other.data, "*", "", this, other);
        out.propagate = () -> {
            grad += other.data * out.grad;
            other.grad += data * out.grad;
        };
        return out;
    }

    public Value mul(double c) {
        return mul(of(c));
    }

    public Value neg() {
        return mul(-1);
    }

    public Value sub(Value other) {
        return add(other.neg());
    }

    public Value sub(double c) {
        return add(-c);
    }

    /** x^p for a constant exponent p. */
    public Value pow(double p) {
        Value out = new Value(Math.pow(data, p), "^" + trim(p), "", this);
        out.propagate = () -> grad += p * Math.pow(data, p - 1) * out.grad;
        return out;
    }

    public Value div(Value other) {
        if (other.data == 0) throw new ArithmeticException("division by a Value that is 0");
        return mul(other.pow(-1));
    }

    public Value div(double c) {
        return div(of(c));
    }

    public Value exp() {
        Value out = new Value(Math.exp(data), "exp", "", this);
        out.propagate = () -> grad += out.data * out.grad;
        return out;
    }

    public Value log() {
        if (data <= 0) throw new ArithmeticException("log of " + data + ": the argument must be positive");
        Value out = new Value(Math.log(data), "log", "", this);
        out.propagate = () -> grad += out.grad / data;
        return out;
    }

    public Value tanh() {
        Value out = new Value(Math.tanh(data), "tanh", "", this);
        out.propagate = () -> grad += (1 - out.data * out.data) * out.grad;
        return out;
    }

    public Value relu() {
        Value out = new Value(Math.max(0, data), "relu", "", this);
        out.propagate = () -> grad += (data > 0 ? 1 : 0) * out.grad;
        return out;
    }

    public Value sigmoid() {
        Value out = new Value(1 / (1 + Math.exp(-data)), "sigmoid", "", this);
        out.propagate = () -> grad += out.data * (1 - out.data) * out.grad;
        return out;
    }

    /** The sum of {@code values}, as one node per addition. */
    public static Value sum(List<Value> values) {
        if (values.isEmpty()) throw new IllegalArgumentException("nothing to sum");
        Value total = values.get(0);
        for (int i = 1; i < values.size(); i++) total = total.add(values.get(i));
        return total;
    }

    /**
     * Fills in {@link #grad()} of every Value this one depends on. Gradients from earlier calls are
     * cleared first, so calling it twice gives the same gradients (unlike accumulating frameworks).
     */
    public void backward() {
        List<Value> order = topologicalOrder();
        for (Value v : order) v.grad = 0;
        grad = 1;
        for (int i = order.size() - 1; i >= 0; i--) order.get(i).propagate.run();
    }

    /** One gradient-descent step on a leaf: data −= learningRate · grad. */
    public void descend(double learningRate) {
        if (inputs.length != 0)
            throw new IllegalStateException("only leaves (parameters) can be updated, not the result of '" + op + "'");
        data -= learningRate * grad;
    }

    /** Every node this one depends on (itself last), each after all of its inputs. */
    public List<Value> topologicalOrder() {
        List<Value> order = new ArrayList<>();
        Map<Value, Boolean> seen = new IdentityHashMap<>();
        Deque<Object[]> stack = new ArrayDeque<>(); // iterative DFS: deep graphs must not overflow the Java stack
        stack.push(new Object[] {this, 0});
        seen.put(this, true);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Value node = (Value) frame[0];
            int next = (int) frame[1];
            if (next < node.inputs.length) {
                frame[1] = next + 1;
                Value input = node.inputs[next];
                if (seen.put(input, true) == null) stack.push(new Object[] {input, 0});
            } else {
                stack.pop();
                order.add(node);
            }
        }
        return order;
    }

    /** The computation graph as indented text: each node with its value and gradient. */
    public String graph() {
        StringBuilder out = new StringBuilder();
        appendGraph(out, 0, new IdentityHashMap<>());
        return out.toString();
    }

    private void appendGraph(StringBuilder out, int depth, Map<Value, Boolean> printed) {
        out.append("  ".repeat(depth)).append(this);
        if (printed.put(this, true) != null && inputs.length > 0) {
            out.append("  (shown above)\n");
            return;
        }
        out.append('\n');
        for (Value input : inputs) input.appendGraph(out, depth + 1, printed);
    }

    @Override
    public String toString() {
        String name = !label.isEmpty() ? label + " " : op.isEmpty() ? "" : "[" + op + "] ";
        return String.format(Locale.ROOT, "%sdata=%.6g grad=%.6g", name, data, grad);
    }

    private static String trim(double p) {
        return p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p);
    }

    private static String describe(Value[] values) {
        StringBuilder s = new StringBuilder();
        for (Value v : values) s.append(s.length() == 0 ? "" : ", ").append(v.data);
        return s.toString();
    }
}
