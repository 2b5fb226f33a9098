//! A hostgres server on a loopback port for the benchmarks, with one
//! tokio-postgres client connected as `hostgres`.

/// A running server; [`BenchServer::stop`] shuts it down.
pub struct BenchServer {
    pub client: tokio_postgres::Client,
    stop: tokio::sync::oneshot::Sender<()>,
    serving: tokio::task::JoinHandle<()>,
    _state: tempfile::TempDir,
}

impl BenchServer {
    /// Starts a server reading the live host (call within a tokio runtime).
    pub async fn start() -> BenchServer {
        let state = tempfile::tempdir().expect("tempdir");
        let mut raw = hostgres_server::config::RawConfig {
            listen: Some("127.0.0.1:0".to_owned()),
            state_dir: Some(state.path().to_path_buf()),
            ..Default::default()
        };
        raw.log.level = Some("error".to_owned());
        // One audit line per statement would drown the figures.
        raw.audit.destination = Some("off".to_owned());
        let config = raw.validate().expect("config");
        let (server, _) = hostgres_server::prepare(config, Some("bench"))
            .await
            .expect("server");
        let addr = server.local_addr();
        let (stop, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let serving = tokio::spawn(server.serve(async {
            let _ = stop_rx.await;
        }));
        let conninfo = format!(
            "host=127.0.0.1 port={} user=hostgres password=bench dbname=hostgres",
            addr.port()
        );
        let (client, conn) = tokio_postgres::connect(&conninfo, tokio_postgres::NoTls)
            .await
            .expect("connect");
        tokio::spawn(conn);
        BenchServer {
            client,
            stop,
            serving,
            _state: state,
        }
    }

    /// Disconnects the client and waits for the server to finish.
    pub async fn stop(self) {
        drop(self.client);
        let _ = self.stop.send(());
        let _ = self.serving.await;
    }
}
