// test_cpp.cpp: the header used from C++17 as C++ users do, with no
// wrapper from the library: an RAII holder of our own, std::thread,
// std::string and std::vector around the C API.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "zmqsocket.h"

namespace {

int passed = 0, failed = 0;

void check(bool ok, const std::string &what)
{
    if (ok) {
        ++passed;
    } else {
        ++failed;
        std::printf("not ok - %s (last error %d \"%s\")\n", what.c_str(),
                    zs_last_error_code(), zs_last_error());
    }
}

// A socket that is destroyed with its scope.
class Socket {
  public:
    explicit Socket(int type)
    {
        if (zs_socket_new(type, &h_) != ZS_OK)
            throw std::runtime_error(zs_last_error());
    }
    Socket(const Socket &) = delete;
    Socket &operator=(const Socket &) = delete;
    Socket(Socket &&o) noexcept : h_(std::exchange(o.h_, 0)) {}
    ~Socket()
    {
        if (h_ != 0)
            zs_socket_destroy(h_);
    }
    zs_socket handle() const { return h_; }

    int bind() { return zs_bind_to_port(h_, 0, ZS_HWM_DEFAULT, ZS_HWM_DEFAULT); }
    int connect(const std::string &host, int port)
    {
        return zs_connect_to_host(h_, host.c_str(), port, ZS_HWM_DEFAULT, ZS_HWM_DEFAULT);
    }
    int send(const std::string &s, int timeout = 2000)
    {
        return zs_send(h_, s.data(), s.size(), timeout);
    }
    int send(const std::vector<std::string> &parts, int timeout = 2000)
    {
        std::vector<zs_frame> frames;
        for (const auto &p : parts)
            frames.push_back(zs_frame{p.data(), p.size()});
        return zs_send_multi(h_, frames.data(), frames.size(), timeout);
    }
    std::vector<std::string> recv(int timeout = 2000)
    {
        zs_message m{};
        std::vector<std::string> out;
        if (zs_recv_multi(h_, timeout, &m) == ZS_OK) {
            for (size_t i = 0; i < m.count; ++i)
                out.emplace_back(static_cast<const char *>(m.frames[i].data), m.frames[i].len);
        }
        zs_message_free(&m);
        return out;
    }

  private:
    zs_socket h_ = 0;
};

} // namespace

int main()
{
    {
        Socket pull(ZS_PULL), push(ZS_PUSH);
        int port = pull.bind();
        check(port > 0, "bind an ephemeral port");
        check(push.connect("localhost", port) == ZS_OK, "connect");
        std::string binary("a\0b", 3);
        check(push.send(binary) == ZS_OK, "send");
        auto got = pull.recv();
        check(got.size() == 1 && got[0] == binary, "PUSH/PULL round trip with a NUL byte");
        check(push.send({"head", "", "tail"}) == ZS_OK, "send multi");
        got = pull.recv();
        check(got == std::vector<std::string>{"head", "", "tail"}, "multi-part round trip");
    }
    {
        Socket rep(ZS_REP);
        int port = rep.bind();
        std::thread echo([&rep] {
            auto req = rep.recv(3000);
            if (!req.empty())
                rep.send(req[0] + " back");
        });
        Socket req(ZS_REQ);
        check(req.connect("127.0.0.1", port) == ZS_OK, "REQ connect");
        check(req.send("ping") == ZS_OK, "REQ send");
        auto reply = req.recv(3000);
        echo.join();
        check(reply.size() == 1 && reply[0] == "ping back", "REQ/REP round trip");
    }
    check(zs_socket_count() == 0, "RAII destroyed every socket");
    bool threw = false;
    try {
        Socket bad(99);
    } catch (const std::runtime_error &e) {
        threw = std::strstr(e.what(), "zs_socket_new") != nullptr;
    }
    check(threw, "an unknown type is an error the wrapper can throw");
    std::printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
