"""Platform emulators over real HTTP on 127.0.0.1, for the end-to-end tests and the shell: the
product talks to them exactly as to the platform. One package per platform (``telegram`` today);
none imports anything of the product."""
