// Opens a websocket to the app's /_event endpoint, answers Engine.IO's handshake with the
// socket.io connect packet the app's own page sends (its hydrate event inside), and resolves
// with whether the socket opened and every frame received, once a state update arrives or the
// socket closes.
function probe(wsUrl, connectPacket) {
  return new Promise((resolve) => {
    const received = [];
    let opened = false;
    const socket = new WebSocket(wsUrl);
    socket.onopen = () => { opened = true; };
    socket.onmessage = (message) => {
      received.push(message.data);
      if (message.data.startsWith("0{")) socket.send(connectPacket);
      if (message.data.includes('"delta"')) socket.close();
    };
    socket.onclose = () => resolve({ opened, received });
  });
}
