package org.palaver.signin.boundary;

import jakarta.servlet.annotation.HttpConstraint;
import jakarta.servlet.annotation.ServletSecurity;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The one protected URL: asking for it makes the OpenID Connect mechanism send the browser to the
 * provider. Reached itself only by someone the container holds as signed in already; they go on to
 * the callback, which issues their member pass.
 */
@WebServlet("/oidc/start")
@ServletSecurity(@HttpConstraint(rolesAllowed = "**"))
public class SignInStartServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.sendRedirect(request.getContextPath() + "/oidc/callback");
    }
}
