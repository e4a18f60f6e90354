/** Speech to text and text to speech, behind KoboldCpp's and OpenAI's audio routes. */
package koboldj.audio;
