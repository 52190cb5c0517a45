package org.palaver.media.boundary;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.palaver.rooms.control.MediaPort;
import org.palaver.rooms.control.MeshMedia;

/** Which media adapter rooms get: Kurento when a media server is configured, else mesh only. */
@ApplicationScoped
public class MediaPorts {

    @Produces
    @ApplicationScoped
    MediaPort port(MediaService kurento) {
        return kurento.configured() ? kurento : new MeshMedia();
    }
}
