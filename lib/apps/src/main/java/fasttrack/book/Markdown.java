package fasttrack.book;

import fasttrack.show.Html;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.commonmark.Extension;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Code;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.Node;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * A markdown cell as HTML: CommonMark with GitHub's tables (what Jupyter renders), math kept verbatim
 * by {@link MathSpans}, and an id on every heading so the contents page can link to its sections.
 * Raw HTML in a cell passes through, as in Jupyter: the cells are the course's own text.
 */
final class Markdown {

    /** The cell as HTML and its headings in order. */
    record Rendered(String html, List<Heading> headings) {}

    private static final List<Extension> EXTENSIONS = List.of(TablesExtension.create());
    private static final Parser PARSER = Parser.builder().extensions(EXTENSIONS).build();

    private Markdown() {}

    static Rendered render(String markdown, Anchors anchors) {
        MathSpans.Protected text = MathSpans.protect(markdown);
        Node document = PARSER.parse(text.markdown());

        Map<Node, String> ids = new IdentityHashMap<>();
        List<Heading> headings = new ArrayList<>();
        document.accept(new AbstractVisitor() {
            @Override
            public void visit(org.commonmark.node.Heading heading) {
                String raw = plainText(heading);
                String plain = text.restoreText(raw);
                String id = anchors.next(plain);
                ids.put(heading, id);
                headings.add(new Heading(heading.getLevel(), id, plain, text.restoreHtml(Html.escape(raw))));
            }
        });
        // The renderer is built per cell because its attribute provider needs this cell's heading ids.
        HtmlRenderer renderer = HtmlRenderer.builder()
                .extensions(EXTENSIONS)
                .attributeProviderFactory(context -> (node, tagName, attributes) -> {
                    String id = ids.get(node);
                    if (id != null) attributes.put("id", id);
                })
                .build();
        return new Rendered(text.restoreHtml(renderer.render(document)), List.copyOf(headings));
    }

    /** The text a heading shows, without its markup: text and code, line breaks as spaces. */
    private static String plainText(Node node) {
        StringBuilder out = new StringBuilder();
        node.accept(new AbstractVisitor() {
            @Override
            public void visit(Text text) {
                out.append(text.getLiteral());
            }

            @Override
            public void visit(Code code) {
                out.append(code.getLiteral());
            }

            @Override
            public void visit(SoftLineBreak lineBreak) {
                out.append(' ');
            }

            @Override
            public void visit(HardLineBreak lineBreak) {
                out.append(' ');
            }
        });
        return out.toString().strip();
    }
}
