/** Random numbers that match other tools': the initial noise for a seed is the same here as there. */
package koboldj.image.random;
