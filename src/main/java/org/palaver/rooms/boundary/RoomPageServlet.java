package org.palaver.rooms.boundary;

import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Serves the room page for every {@code /room/{id}}; the page asks the API whether the room
 * exists, so an unknown id still gets a friendly page.
 */
@WebServlet("/room/*")
public class RoomPageServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        request.getRequestDispatcher("/room.html").forward(request, response);
    }
}
