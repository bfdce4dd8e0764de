// Package ginoff is analysed with an empty handler-types list: gin handlers are plain functions.
package ginoff

import (
	"log"

	"github.com/gin-gonic/gin"
)

func notifyLater(c *gin.Context) {
	go func() {
		log.Print("user ", c.Param("id")) // fine under this configuration: not a handler
	}()
}
