package org.palaver.recordings.boundary;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import org.palaver.platform.ErrorBody;
import org.palaver.platform.PublicUrl;
import org.palaver.recordings.control.ByteRange;
import org.palaver.recordings.control.RecordingDirectory;
import org.palaver.recordings.entity.RecordingPart;
import org.palaver.rooms.entity.HostKey;
import org.palaver.rooms.entity.RoomId;

/**
 * {@code GET /api/rooms/{id}/recordings}: the room's recording parts, for its hosts only
 * ({@code Authorization: Bearer <host secret>}), also after the room is gone.
 * {@code GET /api/rooms/{id}/recordings/{part}}: one part as {@code video/webm}, with byte ranges,
 * for a host or with the signed {@code access} token of the listing's {@code url}.
 */
@Path("rooms/{id}/recordings")
public class RecordingsResource {

    @Inject
    Recordings recordings;

    @Inject
    PublicUrl publicUrl;

    @Context
    UriInfo uri;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response list(@PathParam("id") String id, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        Optional<Response> refused = refusal(id, authorization, null, null);
        if (refused.isPresent()) {
            return refused.get();
        }
        java.net.URI site = uri.getBaseUri().resolve("..");
        List<RecordingPart> parts = recordings.parts(id).stream().map(p -> new RecordingPart(p.id(), p.started().toString(),
                p.ended() == null ? null : p.ended().toString(), p.bytes(),
                publicUrl.resolve(site, "api/rooms/" + id + "/recordings/" + p.id() + "?access=" + recordings.accessToken(p.id()))
                        .toString())).toList();
        return Response.ok(parts).build();
    }

    @GET
    @Path("{part}")
    public Response stream(@PathParam("id") String id, @PathParam("part") String part,
                           @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @QueryParam("access") String access,
                           @HeaderParam("Range") String range) {
        Optional<Response> refused = refusal(id, authorization, part, access);
        if (refused.isPresent()) {
            return refused.get();
        }
        java.nio.file.Path file = recordings.directory().orElseThrow().file(part);
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            return ErrorBody.response(Response.Status.NOT_FOUND, "recording-not-found", "There is no such recording (any more).");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Optional<ByteRange> wanted;
        try {
            wanted = ByteRange.parse(range, size);
        } catch (ByteRange.Unsatisfiable e) {
            return Response.status(416).header("Content-Range", "bytes */" + size).build();
        }
        ByteRange bytes = wanted.orElse(new ByteRange(0, size - 1));
        StreamingOutput body = out -> copy(file, bytes, out);
        Response.ResponseBuilder answer = wanted.isPresent()
                ? Response.status(206).header("Content-Range", "bytes " + bytes.first() + "-" + bytes.last() + "/" + size)
                : Response.ok();
        return answer.entity(size == 0 ? new byte[0] : body).type("video/webm").header("Accept-Ranges", "bytes")
                .header("Content-Length", size == 0 ? 0 : bytes.length()).build();
    }

    /**
     * Why the request may not see the room's recordings, if it may not: 404 with recording off or
     * for what cannot be a room or part; 401 without credentials; 403 with wrong ones.
     */
    private Optional<Response> refusal(String id, String authorization, String part, String access) {
        if (!recordings.enabled()) {
            return Optional.of(ErrorBody.response(Response.Status.NOT_FOUND, "recording-off", "Recording is not set up on this server."));
        }
        if (RoomId.parse(id).isEmpty() || part != null && !RecordingDirectory.isPartOf(part, id)) {
            return Optional.of(ErrorBody.response(Response.Status.NOT_FOUND, "recording-not-found", "There is no such recording."));
        }
        if (part != null && access != null && recordings.accessValid(access, part)) {
            return Optional.empty();
        }
        String bearer = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).strip() : null;
        if (bearer == null || bearer.isEmpty()) {
            return Optional.of(ErrorBody.response(Response.Status.UNAUTHORIZED, "unauthorized",
                    part == null ? "Send the room's host secret: Authorization: Bearer <secret>."
                            : "This link has expired, or send the room's host secret: Authorization: Bearer <secret>."));
        }
        boolean host = recordings.directory().orElseThrow().hostKeyHash(id).map(hash -> {
            try {
                return HostKey.decode(hash).matches(bearer);
            } catch (IllegalArgumentException e) {
                return false;
            }
        }).orElse(false);
        return host ? Optional.empty() : Optional.of(ErrorBody.response(Response.Status.FORBIDDEN, "forbidden",
                "Only the room's hosts may see its recordings."));
    }

    private static void copy(java.nio.file.Path file, ByteRange bytes, OutputStream out) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            WritableByteChannel target = Channels.newChannel(out);
            long position = bytes.first();
            long left = bytes.length();
            while (left > 0) {
                long sent = channel.transferTo(position, left, target);
                if (sent <= 0) {
                    ByteBuffer one = ByteBuffer.allocate((int) Math.min(64 * 1024, left));
                    if (channel.read(one, position) <= 0) {
                        break; // the file shrank meanwhile (swept): the client sees a short body
                    }
                    one.flip();
                    sent = one.remaining();
                    target.write(one);
                }
                position += sent;
                left -= sent;
            }
        }
    }
}
