// Fetch the sessions and recordings of an OpenVidu 2 server with OpenVidu's
// own Node client (openvidu-node-client), and print what it parsed as one
// JSON object on standard output.  Used by tests/11-ovsim-node-client.t to
// show that scripts/ovsim serves the API the way the real server does.
//
// usage: OV_SECRET=... node client.js URL
// The secret comes from the environment so that it never shows in argv.
// Exit status 0 on success; 1 when a call rejects, with its message on
// standard error (the client rejects a 401 with Error("401")).
'use strict';

// The client logs every fetch with console.log; keep standard output for
// the summary.
console.log = console.error;

const { OpenVidu } = require('openvidu-node-client');

async function main() {
  const url = process.argv[2];
  if (!url || process.env.OV_SECRET === undefined) {
    process.stderr.write('usage: OV_SECRET=secret node client.js URL\n');
    process.exit(2);
  }
  const openvidu = new OpenVidu(url, process.env.OV_SECRET);
  const changed = await openvidu.fetch();
  const recordings = await openvidu.listRecordings();
  const sessions = openvidu.activeSessions.map((session) => ({
    sessionId: session.sessionId,
    createdAt: session.createdAt,
    recording: session.recording,
    mediaMode: session.properties.mediaMode,
    connections: session.connections.length,
    activeConnections: session.activeConnections.length,
    publishers: session.activeConnections
      .reduce((sum, c) => sum + c.publishers.length, 0),
    hasVideo: session.activeConnections
      .every((c) => c.publishers.every((p) => p.hasVideo === true)),
  }));
  const summary = {
    changed,
    sessions,
    recordings: recordings.map((r) => ({ id: r.id, status: r.status })),
  };
  process.stdout.write(JSON.stringify(summary) + '\n');
}

main().catch((err) => {
  process.stderr.write(`client.js: ${err && err.message}\n`);
  process.exit(1);
});
