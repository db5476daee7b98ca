// Command gonbuiprog is a cell program for the display tests: it uses gonbui
// the way notebook cells do. The first argument picks what it does.
package main

import (
	"bufio"
	"bytes"
	"encoding/gob"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/janpfeifer/gonb/gonbui/comms"
	"github.com/janpfeifer/gonb/gonbui/protocol"
)

const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: gonbuiprog MODE")
		os.Exit(2)
	}
	switch mode := os.Args[1]; mode {
	case "none":
		fmt.Println("no display")
	case "html":
		gonbui.DisplayHTML("<b>hello</b>")
		gonbui.Sync()
	case "markdown":
		gonbui.DisplayMarkdown("**bold** $x^2$")
		gonbui.Sync()
	case "png":
		gonbui.DisplayPNG(redSquare())
		gonbui.Sync()
	case "svg":
		gonbui.DisplaySVG(svg) // gonbui wraps it in HTML
		gonbui.SendData(&protocol.DisplayData{Data: map[protocol.MIMEType]any{protocol.MIMEImageSVG: svg}})
		gonbui.Sync()
	case "update":
		// The progress-bar pattern from the gonbui documentation.
		id := "progress_" + gonbui.UniqueId()
		for i := range 3 {
			gonbui.UpdateHTML(id, fmt.Sprintf("step %d", i))
		}
		gonbui.UpdateHTML(id, "")
		gonbui.DisplayHTML("done")
		gonbui.UpdateMarkdown("md_"+gonbui.UniqueId(), "*once*")
		gonbui.Sync()
		fmt.Println(id)
	case "sync":
		for i := range 200 {
			gonbui.DisplayHTML(fmt.Sprint(i))
		}
		gonbui.Sync()
		fmt.Println("synced")
		gonbui.Sync()
		fmt.Println("synced again")
	case "input", "password":
		gonbui.RequestInput(mode+"?", mode == "password")
		line, err := bufio.NewReader(os.Stdin).ReadString('\n')
		if err != nil {
			fmt.Println("read error:", err)
			os.Exit(1)
		}
		fmt.Printf("got %s", line)
	case "widgets":
		comms.Start()
		v := comms.ReadValue[int]("/slider") // no frontend widget: must not block
		fmt.Println("value", v)
		gonbui.DisplayHTML("after widgets")
		gonbui.Sync()
	case "panic-after-display":
		gonbui.DisplayHTML("before the crash") // no Sync: still in the pipe
		panic("boom")
	case "crash-mid-write":
		// Write one message and half of the next, as a program killed inside
		// a write would, then die.
		var buf bytes.Buffer
		enc := gob.NewEncoder(&buf)
		enc.Encode(&protocol.DisplayData{Data: map[protocol.MIMEType]any{protocol.MIMETextHTML: "whole"}})
		first := buf.Len()
		enc.Encode(&protocol.DisplayData{Data: map[protocol.MIMEType]any{protocol.MIMETextHTML: "cut"}})
		f, err := os.OpenFile(os.Getenv(protocol.GONB_PIPE_ENV), os.O_WRONLY, 0)
		if err != nil {
			panic(err)
		}
		f.Write(buf.Bytes()[:first+(buf.Len()-first)/2])
		os.Exit(3)
	case "flood":
		// Displays until killed.
		gonbui.DisplayHTML("first")
		gonbui.Sync()
		fmt.Println("started")
		for i := 0; ; i++ {
			gonbui.DisplayHTML(fmt.Sprintf("<p>%d</p>", i))
		}
	case "hold":
		// Keeps its pipes open and never ends by itself.
		gonbui.DisplayHTML("held")
		gonbui.Sync()
		fmt.Println("holding")
		time.Sleep(time.Hour)
	default:
		fmt.Fprintln(os.Stderr, "unknown mode", mode)
		os.Exit(2)
	}
}

// redSquare is a 2x2 red PNG.
func redSquare() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	for x := range 2 {
		for y := range 2 {
			img.Set(x, y, color.RGBA{R: 255, A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic(err)
	}
	return buf.Bytes()
}
