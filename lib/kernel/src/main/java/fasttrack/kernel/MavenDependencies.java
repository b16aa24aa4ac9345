package fasttrack.kernel;

import java.nio.file.Path;
import java.util.List;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.collection.CollectRequest;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.repository.LocalRepository;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.DependencyRequest;
import org.eclipse.aether.resolution.DependencyResolutionException;
import org.eclipse.aether.supplier.RepositorySystemSupplier;
import org.eclipse.aether.util.artifact.JavaScopes;
import org.eclipse.aether.util.filter.DependencyFilterUtils;
import org.eclipse.aether.util.repository.SimpleArtifactDescriptorPolicy;

/**
 * Resolves {@code group:artifact:version} coordinates with their runtime dependencies, the way
 * Maven does: the local repository first (so anything the build already fetched works offline),
 * then Maven Central.
 */
final class MavenDependencies {

    private static final RemoteRepository CENTRAL =
            new RemoteRepository.Builder("central", "default", "https://repo.maven.apache.org/maven2/").build();

    private final RepositorySystem system = new RepositorySystemSupplier().get();
    private final RepositorySystemSession session;

    MavenDependencies(Path localRepository) {
        var session = org.apache.maven.repository.internal.MavenRepositorySystemUtils.newSession();
        session.setLocalRepositoryManager(
                system.newLocalRepositoryManager(session, new LocalRepository(localRepository.toFile())));
        session.setArtifactDescriptorPolicy(new SimpleArtifactDescriptorPolicy(true, true));
        this.session = session;
    }

    static MavenDependencies withDefaultLocalRepository() {
        return new MavenDependencies(Path.of(System.getProperty("user.home"), ".m2", "repository"));
    }

    /** The jars of {@code coordinates} and everything they need at run time. */
    List<Path> resolve(String coordinates) {
        DefaultArtifact artifact;
        try {
            artifact = new DefaultArtifact(coordinates.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "'" + coordinates + "' is not group:artifact:version "
                            + "(or group:artifact:extension:classifier:version)",
                    e);
        }
        CollectRequest collect = new CollectRequest(new Dependency(artifact, JavaScopes.RUNTIME), List.of(CENTRAL));
        DependencyRequest request =
                new DependencyRequest(collect, DependencyFilterUtils.classpathFilter(JavaScopes.RUNTIME));
        try {
            return system.resolveDependencies(session, request).getArtifactResults().stream()
                    .map(ArtifactResult::getArtifact)
                    .map(a -> a.getFile().toPath())
                    .toList();
        } catch (DependencyResolutionException e) {
            throw new IllegalArgumentException(
                    "could not resolve " + coordinates + ": " + rootMessage(e)
                            + ". Check the coordinates on Maven Central, and that this machine can reach it"
                            + " (or that the artifact is already in ~/.m2/repository).",
                    e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) root = root.getCause();
        return root.getMessage();
    }
}
